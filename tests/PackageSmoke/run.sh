#!/usr/bin/env bash
# Takes the packages as a shop would: packs MLNet.Distillation, MLNet.Distillation.Runtime and MLNet.Distillation.Reporting
# into a local folder, then
#  0. package validation passes (against the last release tag, when there is one) and fails a package that drops a
#     public member; the packages ask for ML.NET and ONNX Runtime no newer than the floor they compile against (5.0.1, 1.31.1);
#  1. a fresh console app (outside this repository, no project references) restores MLNet.Distillation and
#     MLNet.Distillation.Reporting from that folder, distils a FastTree teacher into a binary student on real data, saves
#     it and writes the HTML report with its plots (ScottPlot/SkiaSharp native code loading headless from the packages),
#     once on ML.NET 5.0.1 and once on 6.0.0 (the versions that really loaded are checked, not just asked for);
#  1b. an ML.NET 6 app that also references Microsoft.ML.TorchSharp 0.24.0 runs one TorchSharp for both and trains;
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
# A pre-release of the version being built (0.2.0-smoke.N): its assembly version (0.2.0.0) is the real one, which
# package validation compares with the last release's.
version="$(sed -n 's:.*<Version>\(.*\)</Version>.*:\1:p' "$repo/src/Directory.Build.props")-smoke.$(date +%s)"
passed=0; failed=0
check() { if [ "$2" -eq 0 ]; then echo "PASS $1"; passed=$((passed + 1)); else echo "FAIL $1"; failed=$((failed + 1)); fi; }
cleanup() {
    rm -rf "$work"
    # Each run uses its own version, so the global package folder never serves a stale build; remove this run's copies.
    rm -rf "${NUGET_PACKAGES:-$HOME/.nuget/packages}/mlnet.distillation/$version" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/mlnet.distillation.runtime/$version" \
        "${NUGET_PACKAGES:-$HOME/.nuget/packages}/mlnet.distillation.reporting/$version" "${NUGET_PACKAGES:-$HOME/.nuget/packages}/mlnet.distillation.cli/$version"
}
trap cleanup EXIT

# Package validation (EnablePackageValidation, src/Directory.Build.props) runs inside every pack. Once a release is
# tagged (v1.2.3), each package is also compared with that release's, packed here from the tag: a public member removed
# or changed since then fails the pack with ApiCompat's CP codes, unless declared in the project's
# CompatibilitySuppressions.xml (generate it with -p:ApiCompatGenerateSuppressionFile=true).
baseline_tag=$(git -C "$repo" tag --list 'v[0-9]*' --sort=-v:refname 2>/dev/null | head -1)
if [ -n "$baseline_tag" ]; then
    echo "== packing the last release, $baseline_tag, as the package validation baseline"
    git clone -q --branch "$baseline_tag" "$repo" "$work/baseline-src" >>"$work/pack.log" 2>&1
    for project in MLNet.Distillation.Runtime MLNet.Distillation MLNet.Distillation.Reporting; do
        dotnet pack "$work/baseline-src/src/$project/$project.csproj" -c Release -o "$work/baseline" -p:Version="${baseline_tag#v}" \
            -p:EnablePackageValidation=false >>"$work/pack.log" 2>&1
    done
else
    echo "== no release tag (v*): package validation runs without a baseline version"
fi

echo "== packing $version into $work/feed"
status=0
for project in MLNet.Distillation.Runtime MLNet.Distillation MLNet.Distillation.Reporting; do
    baseline=()
    [ -n "$baseline_tag" ] && baseline=("-p:PackageValidationBaselinePath=$work/baseline/$project.${baseline_tag#v}.nupkg")
    dotnet pack "$repo/src/$project/$project.csproj" -c Release -o "$work/feed" -p:Version="$version" "${baseline[@]}" >>"$work/pack.log" 2>&1 || status=1
done
[ -z "$baseline_tag" ] || ! grep -q "error CP[0-9]" "$work/pack.log"
check "package validation passes${baseline_tag:+, against $baseline_tag: no breaking change to the public API since that release}" $?
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

app() { # name, the folder here whose Program.cs it runs, then package references as id:version
    local name=$1 source=$2; shift 2
    mkdir -p "$work/$name"
    {
        echo '<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><OutputType>Exe</OutputType><TargetFramework>net10.0</TargetFramework>'
        echo '<ImplicitUsings>enable</ImplicitUsings><Nullable>enable</Nullable><RuntimeIdentifier>linux-x64</RuntimeIdentifier><SelfContained>false</SelfContained>'
        echo "<RestoreAdditionalProjectSources>$work/feed</RestoreAdditionalProjectSources><NoWarn>NU1603</NoWarn></PropertyGroup><ItemGroup>"
        for ref in "$@"; do echo "<PackageReference Include=\"${ref%%:*}\" Version=\"${ref#*:}\" />"; done
        echo '</ItemGroup></Project>'
    } > "$work/$name/$name.csproj"
    cp "$here/$source/Program.cs" "$work/$name/"
}

# The apps stand alone: MSBuild would otherwise import any Directory.Build.props / Directory.Packages.props lying above
# the work folder (e.g. in /tmp), and central package management there refuses the apps' versioned PackageReferences.
echo '<Project />' > "$work/Directory.Build.props"
echo '<Project />' > "$work/Directory.Build.targets"
echo '<Project><PropertyGroup><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup></Project>' > "$work/Directory.Packages.props"

# The floor: the packages' dependencies name the versions the libraries compile against (Directory.Packages.props).
floor_ml=$(sed -n 's:.*<MLNetFloorVersion>\(.*\)</MLNetFloorVersion>.*:\1:p' "$repo/Directory.Packages.props")
floor_ort=$(sed -n 's:.*<OnnxRuntimeFloorVersion>\(.*\)</OnnxRuntimeFloorVersion>.*:\1:p' "$repo/Directory.Packages.props")
current_ml=$(sed -n 's:.*<MLNetCurrentVersion>\(.*\)</MLNetCurrentVersion>.*:\1:p' "$repo/Directory.Packages.props")
nuspec="$(unzip -p "$work/feed/MLNet.Distillation.$version.nupkg" MLNet.Distillation.nuspec)"
grep -q "id=\"Microsoft.ML\" version=\"$floor_ml\"" <<<"$nuspec" && grep -q "id=\"Microsoft.ML.OnnxRuntime\" version=\"$floor_ort\"" <<<"$nuspec"
check "MLNet.Distillation asks for Microsoft.ML >= $floor_ml and ONNX Runtime >= $floor_ort (the floor it compiles against)" $?

mkdir -p "$work/out" "$work/out6"
app Trainer Trainer "MLNet.Distillation:$version" "MLNet.Distillation.Reporting:$version" "Microsoft.ML.FastTree:$floor_ml"
(cd "$work/Trainer" && dotnet run -c Release -- "$repo/examples/data/breast_cancer.csv" "$work/out") >"$work/trainer.log" 2>&1
status=$?
tail -8 "$work/trainer.log"
[ $status -eq 0 ] && [ -f "$work/out/student.zip" ] && grep -qx "loaded Microsoft.ML.Data $floor_ml" "$work/trainer.log"
check "a fresh app on ML.NET $floor_ml restores MLNet.Distillation, distils a FastTree teacher and saves the student" $?
[ "$(grep -o 'src="data:image/png;base64,' "$work/out/report.html" 2>/dev/null | wc -l)" -eq 6 ]
check "the same app writes report.html with its six plots (loss, accuracy, reliability, per class, quality vs latency and size) embedded, figures from Evaluate" $?

# A shop on the current ML.NET references it and FastTree at that version; OnnxTransformer and ONNX Runtime come
# through the package at its floor unless the shop names them, so this app runs ML.NET 6 with the floor's OnnxTransformer.
app Trainer6 Trainer "MLNet.Distillation:$version" "MLNet.Distillation.Reporting:$version" "Microsoft.ML:$current_ml" "Microsoft.ML.FastTree:$current_ml"
(cd "$work/Trainer6" && dotnet run -c Release -- "$repo/examples/data/breast_cancer.csv" "$work/out6") >"$work/trainer6.log" 2>&1
status=$?
tail -8 "$work/trainer6.log"
[ $status -eq 0 ] && [ -f "$work/out6/student.zip" ] && grep -qx "loaded Microsoft.ML.Data $current_ml" "$work/trainer6.log" \
    && [ "$(grep -o 'src="data:image/png;base64,' "$work/out6/report.html" 2>/dev/null | wc -l)" -eq 6 ]
check "the same app on ML.NET $current_ml distils, saves and writes its report" $?

app TorchSharpNeighbour TorchSharpNeighbour "MLNet.Distillation:$version" "Microsoft.ML:$current_ml" "Microsoft.ML.TorchSharp:0.24.0"
(cd "$work/TorchSharpNeighbour" && dotnet run -c Release -- "$repo/examples/data/breast_cancer.csv") >"$work/neighbour.log" 2>&1
status=$?
tail -4 "$work/neighbour.log"
[ $status -eq 0 ] && grep -q "TorchSharp assemblies loaded: 1 " "$work/neighbour.log"
check "an ML.NET $current_ml app with Microsoft.ML.TorchSharp 0.24.0 beside MLNet.Distillation loads one TorchSharp for both and trains a student" $?
if [ -d "$work/Trainer/bin" ]; then
    natives=$(find "$work/Trainer/bin" -name "libtorch*" | grep -v linux | wc -l)
    [ "$natives" -eq 0 ]
    check "with RuntimeIdentifier=linux-x64 only Linux libtorch files reach the output" $?
fi

app Predictor Predictor "MLNet.Distillation.Runtime:$version"
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

# The gate can fail: a copy of the repository whose runtime package no longer makes MlpStudentPredictor.Clone public,
# validated against the runtime package just packed, must fail its pack with CP0002 naming that member.
git clone -q "$repo" "$work/broken" \
    && sed -i 's/public MlpStudentPredictor Clone()/internal MlpStudentPredictor Clone()/' "$work/broken/src/MLNet.Distillation.Runtime/Managed/MlpStudentPredictor.cs" \
    && ! dotnet pack "$work/broken/src/MLNet.Distillation.Runtime/MLNet.Distillation.Runtime.csproj" -c Release -o "$work/broken-feed" \
        -p:Version="$version-broken" -p:EnablePackageValidation=true -p:PackageValidationBaselinePath="$work/feed/MLNet.Distillation.Runtime.$version.nupkg" >"$work/broken.log" 2>&1 \
    && grep -q "error CP0002.*MlpStudentPredictor.Clone" "$work/broken.log"
status=$?
[ $status -eq 0 ] || grep -E "error|CP0" "$work/broken.log" | head -5
check "package validation fails the pack of a package that drops a public member of the baseline (CP0002)" $status

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
