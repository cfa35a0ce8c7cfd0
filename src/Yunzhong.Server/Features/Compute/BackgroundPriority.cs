using System.Runtime.InteropServices;

namespace Yunzhong.Server.Features.Compute;

/// <summary>
/// Lowers the calling thread below every ordinary thread (Linux: nice 19, then the SCHED_IDLE policy):
/// a pre-annotation job's inference then takes only CPU time the annotators' requests leave. With one
/// intra-op thread ONNX Runtime runs the model on the calling thread, so this one call covers all of a
/// job's compute. Nice 19 alone still weighs 15 against a request thread's 1,024 (1.5 % of a contended
/// core); SCHED_IDLE weighs 3, and needs no privilege to enter. `yz bench` beside a VAD job at nice 19 ran
/// at 77–83 % of alone on the quiet 2-core machine (docs/benchmarks.md). Elsewhere than Linux it does nothing.
/// </summary>
public static class BackgroundPriority
{
    private const int PrioProcess = 0;
    private const int Lowest = 19;
    private const int SchedIdle = 5;

    /// <summary>True when the thread's priority was lowered.</summary>
    public static bool LowerCurrentThread()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }
        try
        {
            // On Linux setpriority(PRIO_PROCESS, tid) and sched_setscheduler(tid) act on one thread.
            var tid = GetTid();
            var niced = SetPriority(PrioProcess, (uint)tid, Lowest) == 0;
            var param = 0; // struct sched_param { int sched_priority; }: 0 for SCHED_IDLE
            var idle = SetScheduler(tid, SchedIdle, ref param) == 0;
            return niced || idle;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

#pragma warning disable SYSLIB1054 // plain int calls: no marshalling for the source generator to save
    [DllImport("libc", EntryPoint = "gettid")]
    private static extern int GetTid();

    [DllImport("libc", EntryPoint = "setpriority")]
    private static extern int SetPriority(int which, uint who, int priority);

    [DllImport("libc", EntryPoint = "sched_setscheduler")]
    private static extern int SetScheduler(int pid, int policy, ref int param);
#pragma warning restore SYSLIB1054
}
