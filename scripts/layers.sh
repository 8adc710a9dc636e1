#!/bin/sh
# make layers: check that the source tree keeps its layers (src/README.md).
#   1. an include names its folder, and a folder includes only its own layer and those below:
#      base < core < io, draw, text < app < api < cli (io, draw and text do not see each other;
#      swr not gl);
#   2. no GL, EGL or OSMesa header is reachable (cc -M) from a file outside src/draw/gl/,
#      and no Cairo, Pango or fontconfig header from a file outside src/text/;
#   3. core/ and base/ objects call no I/O, environment, thread or loader function, and
#      nothing below cli/ prints, exits, handles signals, parses argv or reads the
#      environment (nm on each object).
# usage: sh scripts/layers.sh [SRC]   (SRC defaults to src; the tests point it at a copy)
# Prints one line per violation and exits 1, or prints nothing and exits 0.
set -u
src=${1:-src}
cc=${CC:-cc}
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
bad=0
fail() { echo "layers: $*"; bad=1; }

allowed() {
	case $1 in
	base) echo "base" ;;
	core) echo "base core" ;;
	io) echo "base core io" ;;
	draw) echo "base core draw" ;;
	draw/swr) echo "base core draw draw/swr" ;;
	draw/gl) echo "base core draw draw/gl" ;;
	text) echo "base core text" ;;
	app) echo "base core io draw text app" ;;
	api) echo "base core io draw text app api" ;;
	cli) echo "base core io draw text app api cli" ;;
	*) echo "" ;;
	esac
}

files=$(cd "$src" && find . -name '*.[ch]' | sed 's|^\./||' | sort)
for f in $files; do
	dir=$(dirname "$f")
	ok=$(allowed "$dir")
	[ -n "$ok" ] || { fail "$f: folder '$dir' is not a layer"; continue; }
	# quoted includes: "layer/name.h" only (shaders.h is generated into the build's draw/gl)
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$src/$f" | while IFS= read -r line; do
		n=${line%%:*}
		inc=$(printf '%s' "$line" | sed 's/.*include[[:space:]]*"\([^"]*\)".*/\1/')
		idir=$(dirname "$inc")
		if [ "$idir" = . ]; then
			echo "$f:$n: include \"$inc\" does not name its folder"
			continue
		fi
		hit=0
		for a in $ok; do [ "$idir" = "$a" ] && hit=1; done
		# draw/ (the session) may see its backends; no backend sees the other
		[ "$dir" = draw ] && case $idir in draw/swr|draw/gl) hit=1 ;; esac
		[ $hit = 1 ] || echo "$f:$n: $dir/ may not include \"$inc\" (a layer above it or beside it)"
	done >>"$tmp/inc"
done
if [ -s "$tmp/inc" ]; then
	while IFS= read -r l; do fail "$l"; done <"$tmp/inc"
fi

# GL headers, as the compiler resolves them (a header that includes one counts too)
mkdir -p "$tmp/gen/draw/gl" && sh scripts/embed_shaders.sh shaders/*.glsl >"$tmp/gen/draw/gl/shaders.h"
# the public header (src/api/ implements it)
inc=$(cd "$(dirname "$0")/.." && pwd)/include
flags="-std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -DAP_VERSION=\"0\" -I$src -I$inc -I$tmp/gen"
# Cairo's and Pango's folders on the path of every file, so that an include of one
# outside text/ is found, and reported, rather than failing to compile
textflags=$(pkg-config --cflags pangocairo pangoft2 fontconfig 2>/dev/null)
for f in $files; do
	case $f in *.h) continue ;; esac
	deps=$($cc $flags $textflags -M "$src/$f" 2>"$tmp/err") || { fail "$f: cc -M failed: $(head -1 "$tmp/err")"; continue; }
	deps=$(printf '%s\n' "$deps" | tr ' \\' '\n\n')
	case $f in draw/gl/*) ;; *)
		gl=$(printf '%s\n' "$deps" | grep -E '/(GL|EGL|KHR)/[^/]*\.h$' | head -1)
		[ -z "$gl" ] || fail "$f: reaches the GL header ${gl#/usr/include/} (GL belongs in draw/gl/)" ;;
	esac
	case $f in text/*) ;; *)
		tx=$(printf '%s\n' "$deps" | grep -E '/(cairo|pango-1\.0/pango|fontconfig)/[^/]*\.h$' | head -1)
		[ -z "$tx" ] || fail "$f: reaches the text header ${tx#/usr/include/} (Cairo, Pango and fontconfig belong in text/)" ;;
	esac
done

# what objects call, not what their comments say: the pure layers do no I/O, read no
# environment and start no threads; below cli/ nothing prints, exits, handles signals,
# parses argv or reads the environment
pure='getenv secure_getenv setenv fopen fdopen freopen open openat opendir readdir stat lstat fstat read write
printf fprintf vprintf vfprintf puts fputs putchar fputc perror exit abort pthread_create dlopen dlsym system
popen signal sigaction time clock_gettime'
below_cli='printf fprintf vprintf vfprintf puts putchar perror exit _exit signal sigaction getopt_long getenv
secure_getenv isatty'
for f in $files; do
	case $f in cli/*|*.h) continue ;; esac
	case $f in base/*|core/*) banned=$pure why="base/ and core/ do no I/O, read no environment, start no threads" ;;
	*) banned=$below_cli why="only cli/ prints, exits, handles signals, parses argv or reads the environment" ;;
	esac
	o="$tmp/$(echo "$f" | tr / _).o"
	$cc $flags $textflags -O0 -c -o "$o" "$src/$f" 2>"$tmp/err" || { fail "$f: does not compile: $(head -1 "$tmp/err")"; continue; }
	und=$(nm -u "$o" | awk '{print $NF}' | sed 's/@.*//')
	for b in $banned; do
		for u in $und; do
			case $u in "$b"|"__$b"|"__${b}_chk"|"_IO_$b") fail "$f: calls $b ($why)" ;; esac
		done
	done
done
exit $bad
