global using Yunzhong.Core.Tasks;
