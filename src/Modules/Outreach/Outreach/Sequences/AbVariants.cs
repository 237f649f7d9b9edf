using Tandem.Modules.Outreach.Data;

namespace Tandem.Modules.Outreach.Sequences;

/// <summary>
/// Which A/B variant an enrolment gets at a step: a pure function of the enrolment's id and the step's index, weighted — the
/// same answer on every host, after a crash, a retry or a restart, and in the rep's task list, without storing anything first.
/// A 64-bit FNV-1a hash of <c>{enrollmentId}:{step}</c>, mixed (SplitMix64's finaliser), taken modulo the sum of the weights.
/// </summary>
internal static class AbVariants
{
    public static StepVariant? Choose(IReadOnlyList<StepVariant>? variants, string enrollmentId, int stepIndex)
    {
        if (variants is not { Count: > 0 }) return null;
        var total = 0L;
        foreach (var v in variants) total += Math.Max(1, v.Weight);
        var point = (long)(Hash(enrollmentId, stepIndex) % (ulong)total);
        foreach (var v in variants)
        {
            point -= Math.Max(1, v.Weight);
            if (point < 0) return v;
        }
        return variants[^1];
    }

    internal static ulong Hash(string enrollmentId, int stepIndex)
    {
        var h = 14695981039346656037UL;
        foreach (var ch in $"{enrollmentId}:{stepIndex}")
        {
            h ^= ch;
            h *= 1099511628211UL;
        }
        h ^= h >> 30;
        h *= 0xbf58476d1ce4e5b9UL;
        h ^= h >> 27;
        h *= 0x94d049bb133111ebUL;
        h ^= h >> 31;
        return h;
    }
}
