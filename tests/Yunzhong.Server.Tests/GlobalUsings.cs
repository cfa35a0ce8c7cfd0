global using Yunzhong.Core.Schema;
global using Yunzhong.Core.Quality;
// The server's own records and enums: tests read answers into them (HttpJson.ReadAsync<T>).
global using Yunzhong.Server.Features;
global using Yunzhong.Server.Features.Auth;
global using Yunzhong.Server.Features.Exports;
global using Yunzhong.Server.Features.Imports;
global using Yunzhong.Server.Features.Media;
global using Yunzhong.Server.Features.Organizations;
global using Yunzhong.Server.Features.Park;
global using Yunzhong.Core.Park;
global using Yunzhong.Server.Features.Projects;
global using Yunzhong.Server.Features.Quality;
global using Yunzhong.Server.Features.Queue;
global using Yunzhong.Server.Features.Reviews;
global using Yunzhong.Server.Features.Stats;
global using Yunzhong.Server.Features.Tasks;
global using Yunzhong.Core.Tasks;
// What most test files use besides.
global using System.Net;
global using System.Net.Http.Json;
global using System.Text.Json;
global using Yunzhong.Server.Security;
global using Yunzhong.Server.Tests.Infrastructure;
