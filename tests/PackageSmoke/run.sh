#!/usr/bin/env bash
# Takes the packages as a shop would: packs MLNet.Distillation, MLNet.Distillation.Runtime and MLNet.Distillation.Reporting
# into a local folder, then
#  1. a fresh console app (outside this repository, no project references) restores MLNet.Distillation and
#     MLNet.Distillation.Reporting from that folder, distils a FastTree teacher into a binary student on real data, saves
#     it and writes the HTML report with its plots (ScottPlot/SkiaSharp native code loading headless from the packages);
#  2. a second app that references only MLNet.Distillation.Runtime reloads the student with plain Model.Load and gets the
#     same predictions, with no TorchSharp or libtorch anywhere in it;
#  3. a project on another target framework (net8.0) fails restore with NU1202 instead of a missing namespace later;
#  4. the `distill` tool (MLNet.Distillation.Cli) installs from that folder with `dotnet tool install --tool-path` and
#     trains a student on real data (TorchSharp's natives load from the installed tool: the GLIBCXX fix reached it).
# Ends with "N passed, N failed". Usage: bash tests/PackageSmoke/run.sh
set -uo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d /tmp/mlnet-distillation-package-smoke.XXXXXX)"
version="0.0.0-smoke.$(date +%s)"
passed=0; failed=0
check() { if [ "$2" -eq 0 ]; then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi; }
cleanup() {
    rm -rf "$work"
    # Each run uses its own version, so the global package folder never serves a stale build; remove this run's copies.
    rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/mlnet.distillation/$version" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/mlnet.distillation.runtime/$version" \
        "${NUGET_PACKAGES:-$HOME/.nuget/packages}/mlnet.distillation.reporting/$version" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/mlnet.distillation.cli/$version"
}
trap cleanup EXIT

echo "== packing $version into $work/feed"
status=0
for project in MLNet.Distillation.Runtime MLNet.Distillation MLNet.Distillation.Reporting; do
    dotnet pack "$repo/src/$project/$project.csproj" -c Release -o "$work/feed" -p:Version="$version" >>"$work/pack.log" 2>&1 || status=1
done
[ $status -eq 0 ] && [ -f "$work/feed/MLNet.Distillation.$version.nupkg" ] && [ -f "$work/feed/MLNet.Distillation.Runtime.$version.nupkg" ] \
    && [ -f "$work/feed/MLNet.Distillation.Reporting.$version.nupkg" ] && [ -f "$work/feed/MLNet.Distillation.$version.snupkg" ] \
    && ! grep -Eq "warning [A-Z]+[0-9]+" "$work/pack.log"
check "pack produces the three packages and their symbols, with no warning" $?
[ $status -eq 0 ] || { tail -20 "$work/pack.log"; echo "${passed} passed, ${failed} failed"; exit 1; }
# The listing is read into a variable first: unzip writes it line by line, and under pipefail `unzip | grep -q` fails
# whenever grep exits at its match before unzip's last write (SIGPIPE; about one run in three).
listing="$(unzip -l "$work/feed/MLNet.Distillation.$version.nupkg")"
grep -q "buildTransitive/net10.0/MLNet.Distillation.targets" <<<"$listing" \
    && ! grep -Eq " build/MLNet| Testbed| Benchmarks" <<<"$listing"
check "package carries its targets under the framework folder and no test code" $?

app() { # name, then package references as id:version
    local name=$1; shift
    mkdir -p "$work/$name"
    {
        echo '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework>'
        echo '<ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable><RuntimeIdentifier>linux-x64</RuntimeIdentifier><SelfContained>false</SelfContained>'
        echo "<RestoreAdditionalProjectSources>$work/feed</RestoreAdditionalProjectSources><NoWarn>NU1603</NoWarn></PropertyGroup><ItemGroup>"
        for ref in "$@"; do echo "<PackageReference Include=\"${ref%%:*}\" Version=\"${ref#*:}\" />"; done
        echo '</ItemGroup></Project>'
    } > "$work/$name/$name.csproj"
    cp "$here/$name/Program.cs" "$work/$name/"
}

# The apps stand alone: MSBuild would otherwise import any Directory.Build.props / Directory.Packages.props lying above
# the work folder (e.g. in /tmp), and central package management there refuses the apps' versioned PackageReferences.
echo '<Project />' > "$work/Directory.Build.props"
echo '<Project />' > "$work/Directory.Build.targets"
echo '<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>' > "$work/Directory.Packages.props"

mkdir -p "$work/out"
app Trainer "MLNet.Distillation:$version" "MLNet.Distillation.Reporting:$version" "Microsoft.ML.FastTree:5.0.1"
(cd "$work/Trainer" && dotnet run -c Release -- "$repo/examples/data/breast_cancer.csv" "$work/out") 2>&1 | tail -5
[ "${PIPESTATUS[0]}" -eq 0 ] && [ -f "$work/out/student.zip" ]
check "a fresh app restores MLNet.Distillation, distils a FastTree teacher and saves the student" $?
[ "$(grep -o 'src="data:image/png;base64,' "$work/out/report.html" 2>/dev/null | wc -l)" -eq 6 ]
check "the same app writes report.html with its six plots (loss, accuracy, reliability, per class, quality vs latency and size) embedded, figures from Evaluate" $?
if [ -d "$work/Trainer/bin" ]; then
    natives=$(find "$work/Trainer/bin" -name "libtorch*" | grep -v linux | wc -l)
    [ "$natives" -eq 0 ]
    check "with RuntimeIdentifier=linux-x64 only Linux libtorch files reach the output" $?
fi

app Predictor "MLNet.Distillation.Runtime:$version"
(cd "$work/Predictor" && dotnet run -c Release -- "$work/out") 2>&1 | tail -3
check "an app referencing only MLNet.Distillation.Runtime reloads the student with identical predictions" "${PIPESTATUS[0]}"

dotnet pack "$repo/src/MLNet.Distillation.Cli/MLNet.Distillation.Cli.csproj" -c Release -o "$work/feed" -p:Version="$version" >"$work/tool.log" 2>&1 \
    && dotnet tool install --tool-path "$work/tool" --add-source "$work/feed" MLNet.Distillation.Cli --version "$version" >>"$work/tool.log" 2>&1 \
    && "$work/tool/distill" train --data "$repo/examples/data/breast_cancer.csv" --label Malignant --teacher lightgbm --epochs 3 \
        --out "$work/distill" >>"$work/tool.log" 2>&1 \
    && [ -f "$work/distill/student.zip" ]
status=$?
[ $status -eq 0 ] || tail -5 "$work/tool.log"
check "the distill tool installs from the feed (dotnet tool install --tool-path) and trains a student on breast_cancer.csv" $status

mkdir -p "$work/OldFramework"
cat > "$work/OldFramework/OldFramework.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net8.0</TargetFramework>
<RestoreAdditionalProjectSources>$work/feed</RestoreAdditionalProjectSources></PropertyGroup>
<ItemGroup><PackageReference Include="MLNet.Distillation" Version="$version" /></ItemGroup></Project>
PROJ
(cd "$work/OldFramework" && dotnet restore) >"$work/old.log" 2>&1
grep -q "NU1202" "$work/old.log"
check "a net8.0 project fails restore with NU1202" $?

echo "package smoke: ${passed} passed, ${failed} failed"
[ "$failed" -eq 0 ]
