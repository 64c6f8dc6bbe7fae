#!/usr/bin/env bash
# Regenerates OnnxSubset.g.cs from onnx_subset.proto with the protoc that ships in the Google.Protobuf.Tools package.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
version=$(grep -o 'Google.Protobuf.Tools" Version="[^"]*' "$here/../../../../Directory.Packages.props" | sed 's/.*Version="//')
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/restore.csproj" <<PROJ
<Project Sdk="Microsoft.NET.Sdk"><PropertyGroup><TargetFramework>net10.0</TargetFramework><ManagePackageVersionsCentrally>false</ManagePackageVersionsCentrally></PropertyGroup>
<ItemGroup><PackageReference Include="Google.Protobuf.Tools" Version="$version" /></ItemGroup></Project>
PROJ
dotnet restore "$tmp/restore.csproj" >/dev/null
protoc="${NUGET_PACKAGES:-$HOME/.nuget/packages}/google.protobuf.tools/$version/tools/linux_x64/protoc"
chmod +x "$protoc"
"$protoc" --proto_path="$here" --csharp_out="$tmp" --csharp_opt=file_extension=.g.cs,internal_access "$here/onnx_subset.proto"
mv "$tmp/OnnxSubset.g.cs" "$here/OnnxSubset.g.cs"
echo "wrote $here/OnnxSubset.g.cs"
