namespace Yunzhong.Server.Tests.Park;

/// <summary>A client with a project, and ways to bring vendors onto it under contracts.</summary>
internal sealed class ParkScene
{
    public required ServerFixture Fx { get; init; }
    public required Org Client { get; init; }
    public required Person ClientAdmin { get; init; }
    public required long Project { get; init; }

    public static async Task<ParkScene> CreateAsync(ServerFixture fx, int tasks = 20, int overlap = 1, ReviewPolicy review = ReviewPolicy.None, int leaseSeconds = 600)
    {
        var client = await fx.NewOrgAsync("client");
        var admin = await client.PersonAsync(Roles.Admin);
        var project = await TestData.ProjectAsync(admin, client.Id, overlap: overlap, review: review, leaseSeconds: leaseSeconds);
        await TestData.ImportAsync(admin.Http, project, TestData.Texts(tasks));
        return new ParkScene { Fx = fx, Client = client, ClientAdmin = admin, Project = project };
    }

    /// <summary>A vendor with an admin and people of the given roles.</summary>
    public async Task<Vendor> VendorAsync(int annotators, Roles roles = Roles.Annotator)
    {
        var org = await Fx.NewOrgAsync("vendor");
        var admin = await org.PersonAsync(Roles.Admin);
        var people = new List<Person>();
        for (var i = 0; i < annotators; i++)
        {
            people.Add(await org.PersonAsync(roles));
        }
        return new Vendor(org, admin, people);
    }

    public Task<ContractView> OfferAsync(Vendor v, long quota, string price = "0.035", ContractVisibility visibility = ContractVisibility.Work, long? project = null) =>
        ClientAdmin.Http.PostOkAsync<ContractView>("api/contracts", new
        {
            projectId = project ?? Project, vendorOrganizationId = v.Org.Id, quota, unitPrice = price,
            deadline = Fx.Time.GetUtcNow().AddDays(30), visibility,
        });

    public static Task<ContractView> ActAsync(Person p, long contract, ContractEvent e) =>
        p.Http.PostOkAsync<ContractView>($"api/contracts/{contract}/transition", new { @event = e });

    public static async Task<ContractView> StaffAsync(Person vendorAdmin, long contract, IEnumerable<Person> people, params long[] teams)
    {
        using var r = await vendorAdmin.Http.PutAsJsonAsync($"api/contracts/{contract}/staff", new { userIds = people.Select(p => p.Id).ToArray(), teamIds = teams }, HttpJson.Options);
        return await r.OkAsync<ContractView>("staff");
    }

    /// <summary>Offered, accepted by the vendor, its people put on it, and activated by the client.</summary>
    public async Task<ContractView> ActiveContractAsync(Vendor v, long quota, long? project = null)
    {
        var offer = await OfferAsync(v, quota, project: project);
        await ActAsync(v.Admin, offer.Id, ContractEvent.Accept);
        await StaffAsync(v.Admin, offer.Id, v.People);
        return await ActAsync(ClientAdmin, offer.Id, ContractEvent.Activate);
    }
}

internal sealed record Vendor(Org Org, Person Admin, List<Person> People);
