namespace Emulator.Nn.Tests;

/// <summary>Runs test code with a given <see cref="NnSettings.Threads"/> and restores the setting.</summary>
public static class Threads
{
    /// <summary>f() on <paramref name="threads"/> threads.</summary>
    public static T Run<T>(int threads, Func<T> f)
    {
        int saved = NnSettings.Threads;
        NnSettings.Threads = threads;
        try { return f(); }
        finally { NnSettings.Threads = saved; }
    }
}
