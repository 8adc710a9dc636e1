# bash completion for atlasplot                                  -*- shell-script -*-
# Installed as share/bash-completion/completions/atlasplot (make install); or
# source it from ~/.bashrc. Self-contained: needs no bash-completion helpers.
# Completes the commands, each command's long options, file names for options that
# take a file, and the choices of options that take a keyword (also as --opt=VALUE).

_atlasplot_data_opts='--images --manifest --cell --on-bad-image --labels'
_atlasplot_draw_opts='--size --margin --clamp-camera --sprite --sprite-mode --sprite-growth --sprite-min --sprite-max
	--alpha --threshold --coverage --color-by --dots-below --dots-fade --opacity --background
	--highlight --highlight-scale --outline
	--label-names --legend --legend-images --title --caption --font-size --text-color --dpi
	--backend --gpu --page-size --pages-per-array --cache --png-level --encoders --max-memory --verbose --help'

# The words to offer after option $1 of command $2; returns 1 when $1 takes no value.
# Sets _atlasplot_kind to file, dir, word or none (no completion: a number, a colour).
_atlasplot_value()
{
	_atlasplot_kind=word _atlasplot_words=
	case $1 in
	--alpha) _atlasplot_words='discard blend opaque' ;;
	--backend) _atlasplot_words='auto cpu osmesa egl' ;;
	--color-by) _atlasplot_words='label none' ;;
	--coverage) _atlasplot_words='keep plain' ;;
	--opacity) _atlasplot_words='auto auto-frame' ;;
	--ease | --path-ease)
		_atlasplot_words='linear quad-in quad-out quad-in-out cubic-in cubic-out cubic-in-out
			sine-in sine-out sine-in-out exp-in-out' ;;
	--stagger-by) _atlasplot_words='index label distance' ;;
	--method) _atlasplot_words='auto exact heuristic random' ;;
	--align) _atlasplot_words='none procrustes' ;;
	--on-bad-image) _atlasplot_words='skip fail' ;;
	--sprite) _atlasplot_words='auto' ;;
	--sprite-mode) _atlasplot_words='power asinh constant' ;;
	--legend) _atlasplot_words='auto top-left top-right bottom-left bottom-right none' ;;
	--label-names) _atlasplot_kind=file ;;
	--images | --labels | --layout | --from | --to | --path | --manifest | --contact-sheet | --shots)
		_atlasplot_kind=file ;;
	--cache | --list | --clear) _atlasplot_kind=dir ;;
	-o | --output | --out)
		if [ "$2" = atlas ]; then _atlasplot_kind=dir; else _atlasplot_kind=file; fi ;;
	--camera | --camera-from | --camera-to | --size | --margin | --sprite-growth | \
	--sprite-min | --sprite-max | --threshold | --background | --highlight | \
	--highlight-scale | --outline | --gpu | --page-size | --pages-per-array | --png-level | --encoders | \
	--max-memory | --cell | --frames | --duration | --fps | --hold-start | --hold-end | \
	--stagger | --shard | --range | --title | --caption | --title-from | --title-to | \
	--font-size | --text-color | --dpi | --dots-below | --dots-fade | -t | --tolerance | -p | --max-pixels | -r | --max-rms)
		_atlasplot_kind=none ;;
	--cols | --rows) _atlasplot_kind=none ;;
	*) return 1 ;;
	esac
	return 0
}

_atlasplot_options()
{
	case $1 in
	render) echo "--layout --camera --shots --output $_atlasplot_data_opts $_atlasplot_draw_opts" ;;
	animate)
		echo "--from --to --frames --duration --fps --hold-start --hold-end --ease --stagger
			--stagger-by --align --camera-from --camera-to --path --path-ease --output
			--contact-sheet --resume --shard --range --title-from --title-to $_atlasplot_data_opts $_atlasplot_draw_opts" ;;
	atlas) echo "$_atlasplot_data_opts --page-size --max-memory --output --verbose --help" ;;
	info) echo "$_atlasplot_data_opts --layout --page-size --backend --max-memory --sprite-table --sprite
		--sprite-mode --sprite-growth --sprite-min --sprite-max --size --verbose --help" ;;
	cache) echo "--list --clear --help" ;;
	grid) echo "--layout --cols --rows --method --score --output --verbose --help" ;;
	diff)
		echo "--out --tolerance --max-pixels --max-rms --aa --side-by-side --json --quiet --allow-empty --max-memory --help" ;;
	esac
}

# COMPREPLY from the words in $1 that start with $2.
_atlasplot_words_reply()
{
	local IFS=$' \t\n'
	COMPREPLY=($(compgen -W "$1" -- "$2"))
}

# COMPREPLY from file names (or, with $1 = dir, folder names) that start with $2.
_atlasplot_files_reply()
{
	local IFS=$'\n'
	compopt -o filenames 2>/dev/null
	if [ "$1" = dir ]; then
		COMPREPLY=($(compgen -d -- "$2"))
	else
		COMPREPLY=($(compgen -f -- "$2"))
	fi
}

_atlasplot()
{
	COMPREPLY=()
	local cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i _atlasplot_kind= _atlasplot_words=
	[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD - 1]}

	# The command: the first word after "atlasplot".
	if [ "$COMP_CWORD" -le 1 ]; then
		_atlasplot_words_reply 'render animate atlas info diff cache grid --help --version' "$cur"
		return 0
	fi
	cmd=${COMP_WORDS[1]}

	# --opt=VALUE: one word, or three ("--opt" "=" "VALUE") when COMP_WORDBREAKS has '='.
	local opt= val= pre=
	if [ "$cur" = = ]; then
		opt=$prev
	elif [ "$prev" = = ] && [ "$COMP_CWORD" -gt 2 ]; then
		opt=${COMP_WORDS[COMP_CWORD - 2]} val=$cur
	else
		case $cur in --*=*) opt=${cur%%=*} val=${cur#*=} pre=$opt= ;; esac
	fi
	if [ -n "$opt" ]; then
		_atlasplot_value "$opt" "$cmd" || return 0
		case $_atlasplot_kind in
		word) _atlasplot_words_reply "$_atlasplot_words" "$val" ;;
		file | dir) _atlasplot_files_reply "$_atlasplot_kind" "$val" ;;
		esac
		for i in "${!COMPREPLY[@]}"; do COMPREPLY[i]=$pre${COMPREPLY[i]}; done
		return 0
	fi

	# The value of the previous option.
	if [ "$COMP_CWORD" -gt 2 ] && _atlasplot_value "$prev" "$cmd"; then
		case $_atlasplot_kind in
		word) _atlasplot_words_reply "$_atlasplot_words" "$cur" ;;
		file | dir) _atlasplot_files_reply "$_atlasplot_kind" "$cur" ;;
		esac
		return 0
	fi

	case $cur in
	-*) _atlasplot_words_reply "$(_atlasplot_options "$cmd")" "$cur" ;;
	*)
		# diff takes two files or folders; the others take no operands.
		[ "$cmd" = diff ] && _atlasplot_files_reply file "$cur" ;;
	esac
	return 0
}

complete -F _atlasplot atlasplot
