#!/bin/sh
# Install (Debian/Ubuntu, with apt) whatever atlasplot's build, tests and demo need and is
# missing, then fetch the data sets. Quiet when everything is already there.
set -eu
here=$(dirname "$0")
pkgs="gcc make libc6-dev pkg-config clang libclang-rt-14-dev valgrind libosmesa6-dev libegl-dev libcglm-dev libpng-dev zlib1g-dev libjpeg-dev
parallel python3 python3-numpy python3-pil python3-pytest dataset-fashion-mnist libcairo2-dev libpango1.0-dev fonts-dejavu-core
poppler-utils"
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# npm may come from elsewhere (nodesource, nvm); Debian's package only when there is none
command -v npm >/dev/null 2>&1 || missing="$missing npm"
if [ -n "$missing" ]; then
	if ! command -v apt-get >/dev/null 2>&1; then
		echo "deps: missing packages:$missing (install them with your package manager)" >&2
		exit 1
	fi
	sudo=""
	if [ "$(id -u)" != 0 ]; then
		command -v sudo >/dev/null 2>&1 || { echo "deps: need root or sudo to install:$missing" >&2; exit 1; }
		sudo=sudo
	fi
	echo "deps: installing$missing"
	$sudo apt-get update -q >/dev/null
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null
fi
sh "$here/fetch_data.sh" >/dev/null
