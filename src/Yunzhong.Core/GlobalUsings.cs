// Namespaces most of Core's files use; a file names only what it uses beyond these.
global using System.Globalization;
global using System.Text;
global using System.Text.Json;
global using System.Xml.Linq;
global using Yunzhong.Core.Formats;
global using Yunzhong.Core.Quality;
global using Yunzhong.Core.Schema;
