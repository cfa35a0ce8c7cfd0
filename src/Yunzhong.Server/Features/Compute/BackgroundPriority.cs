using System.Runtime.InteropServices;

namespace Yunzhong.Server.Features.Compute;

/// <summary>
/// Lowers the calling thread to the lowest CPU priority (Linux nice 19): a pre-annotation job's
/// inference then takes only CPU time the annotators' requests leave. With one intra-op thread ONNX
/// Runtime runs the model on the calling thread, so this one call covers all of a job's compute.
/// Elsewhere than Linux it does nothing.
/// </summary>
public static class BackgroundPriority
{
    private const int PrioProcess = 0;
    private const int Lowest = 19;

    /// <summary>True when the thread's priority was lowered.</summary>
    public static bool LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            // On Linux setpriority(PRIO_PROCESS, tid) sets one thread's nice value.
            return SetPriority(PrioProcess, (uint)GetTid(), Lowest) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

#pragma warning disable SYSLIB1054 // two plain int calls: no marshalling for the source generator to save
    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, uint who, int priority);
#pragma warning restore SYSLIB1054
}
