// Namespaces that most files of the server use.
global using Yunzhong.Core.Tasks;
