// Namespaces most of the server's files use; a file names only what it uses beyond these.
global using System.Data.Common;
global using System.Security.Claims;
global using System.Text.Json;
global using Dapper;
global using Microsoft.AspNetCore.Http.HttpResults;
global using Microsoft.Extensions.Options;
global using Yunzhong.Core.Schema;
global using Yunzhong.Core.Tasks;
global using Yunzhong.Server.Data;
global using Yunzhong.Server.Features;
global using Yunzhong.Server.Security;
