#!/bin/sh
# The speed suite's fair anchor: Debian's PyTorch on OpenBLAS. Debian's python3-torch links libblas.so.3, which is the
# reference BLAS unless an optimised one is installed (a strawman for speed); libopenblas0-pthread registers OpenBLAS
# as libblas.so.3 through update-alternatives. Needs root (apt). Run once, then the speed suite finds /usr/bin/python3
# with torch and times epoch.py beside the library (see README.md here).
set -eu
DEBIAN_FRONTEND=noninteractive apt-get install -y -q python3-torch libopenblas0-pthread
blas=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu | sed -n 's/^Value: //p')
case "$blas" in
  *openblas*) echo "libblas.so.3 is OpenBLAS: $blas" ;;
  *) echo "libblas.so.3 is $blas, not OpenBLAS: run update-alternatives --config libblas.so.3-x86_64-linux-gnu" >&2; exit 1 ;;
esac
/usr/bin/python3 -c "import torch; print('torch', torch.__version__)"
