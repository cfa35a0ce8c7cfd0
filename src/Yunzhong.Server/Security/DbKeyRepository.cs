using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.Repositories;

namespace Yunzhong.Server.Security;

/// <summary>
/// Data protection's key ring (the keys session cookies are protected with) in the shared database,
/// so every node of one deployment reads and writes the same keys: a cookie issued by one node is
/// accepted by the others. A node that meets a cookie under a key it has not loaded yet reloads the
/// ring (data protection does so on a miss), and finds the key another node added.
/// </summary>
public sealed class DbKeyRepository(Db db, string? legacyFolder) : IXmlRepository
{
    private const string InsertSql = "INSERT INTO data_protection_keys (name, xml) VALUES (@name, @xml)";

    public IReadOnlyCollection<XElement> GetAllElements()
    {
        using var c = db.OpenAsync().GetAwaiter().GetResult();
        var rows = c.Query<string>("SELECT xml FROM data_protection_keys ORDER BY name").ToList();
        if (rows.Count == 0 && ImportLegacy(c) is { Count: > 0 } imported)
        {
            return imported;
        }
        return rows.Select(x => XElement.Parse(x)).ToList();
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        using var c = db.OpenAsync().GetAwaiter().GetResult();
        c.Execute(InsertSql, new { name = friendlyName, xml = element.ToString(SaveOptions.DisableFormatting) });
    }

    /// <summary>A server that kept its keys in the data folder's <c>keys/</c> before (one node) brings
    /// them along once, so the sessions signed in then stay signed in.</summary>
    private List<XElement> ImportLegacy(System.Data.Common.DbConnection c)
    {
        if (legacyFolder is null || !Directory.Exists(legacyFolder))
        {
            return [];
        }
        var found = new List<XElement>();
        foreach (var file in Directory.GetFiles(legacyFolder, "*.xml").Order(StringComparer.Ordinal))
        {
            var element = XElement.Load(file);
            c.Execute(InsertSql, new { name = Path.GetFileNameWithoutExtension(file), xml = element.ToString(SaveOptions.DisableFormatting) });
            found.Add(element);
        }
        return found;
    }
}
