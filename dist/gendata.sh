#!/bin/sh
# gendata.sh regenerates the embedded data files of package dist: the Python
# standard library's top-level module names (a union over the interpreters
# found, so names removed in later versions stay reserved) and the trove
# classifiers, live and deprecated, from the trove-classifiers package.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp)
for py in /root/.pyenv/versions/3.11*/bin/python3 /root/.pyenv/versions/3.12*/bin/python3 \
	/root/.pyenv/versions/3.13*/bin/python3 /usr/bin/python3; do
	[ -x "$py" ] || continue
	"$py" -c 'import sys; print("\n".join(sorted(sys.stdlib_module_names)))' >>"$tmp"
done
LC_ALL=C sort -u "$tmp" >stdlib_modules.txt
rm -f "$tmp"
/usr/bin/python3 -c 'import trove_classifiers as t; print("\n".join(sorted(t.classifiers)))' >classifiers.txt
/usr/bin/python3 -c 'import trove_classifiers as t; print("\n".join("\t".join([k] + list(v)) for k, v in sorted(t.deprecated_classifiers.items())))' >deprecated_classifiers.txt
