using System.Text;
using CsCheck;
using WgAdmin.Config;
using WgAdmin.Core.Tests.Config;
using WgAdmin.Core.Tests.Support;
using WgAdmin.Model;
using Xunit;

namespace WgAdmin.Core.Tests.Oracles;

/// <summary>
/// The real `wg-quick strip` (Debian's 1.0.20210914 here) as the oracle of which lines are wg-quick's:
/// our strip output must equal its output on our canonical file byte for byte, and what it
/// passes on from a raw tricky file must parse to the `wg` part of our reading of that file.
/// </summary>
public class StripOracleTests
{
    private static void AssertStripMatches(WgInterface config)
    {
        var rendered = WgConfigWriter.Write(config, WgSecretMode.Include);
        var ours = WgConfigWriter.Write(config, WgSecretMode.Include, strip: true);

        var theirs = WgQuick.Strip(rendered);

        Assert.True(theirs.Ok, $"wg-quick strip failed ({theirs.ExitCode}): {theirs.StdErrRedacted}");
        Assert.True(new UTF8Encoding(false).GetBytes(ours).AsSpan().SequenceEqual(theirs.StdOutBytes),
            $"strip differs.\n--- ours ---\n{Structural.Show(ours)}\n--- wg-quick ---\n{Structural.Show(theirs.StdOut)}");
    }

    [SkippableTheory]
    [MemberData(nameof(Corpus.ValidNames), MemberType = typeof(Corpus))]
    public void OurStripOfTheCanonicalFileIsWgQuicks(string name)
    {
        OracleGate.Require(needsRoot: true, "wg-quick", "wg");

        AssertStripMatches(WgConfigParser.Parse(Corpus.Load(name).Bytes));
    }

    [SkippableTheory]
    [MemberData(nameof(Corpus.ValidNames), MemberType = typeof(Corpus))]
    public void WhatWgQuickPassesToWgIsTheWgPartOfOurReading(string name)
    {
        OracleGate.Require(needsRoot: true, "wg-quick", "wg");
        var file = Corpus.Load(name);

        var stripped = WgQuick.Strip(file.Bytes);
        Assert.True(stripped.Ok, $"wg-quick strip failed ({stripped.ExitCode}): {stripped.StdErrRedacted}");

        // If we took a line for wg-quick's that wg-quick passes on (or the reverse), the two readings part.
        Structural.AssertEqual(RoundTripPropertyTests.WgPartOf(WgConfigParser.Parse(file.Bytes)), WgConfigParser.Parse(stripped.StdOut));
    }

    [SkippableFact]
    public void OurStripIsWgQuicksForRandomInterfaces()
    {
        OracleGate.Require(needsRoot: true, "wg-quick", "wg");

        WgGen.Interface().Sample(AssertStripMatches, iter: 150, threads: 2);
    }
}
