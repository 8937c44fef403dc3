#!/usr/bin/env bash
# herald-index and herald-search as a user runs them: exit codes, messages, output.
# Usage: test_cli.sh HERALD_INDEX HERALD_SEARCH DATA_DIR
set -uo pipefail
index="$1" search="$2" data="$3"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
failures=0 checks=0

check() {  # check NAME EXPECTED ACTUAL
    checks=$((checks + 1))
    if [ "$2" != "$3" ]; then
        echo "FAIL: $1: expected [$2], got [$3]"
        failures=$((failures + 1))
    fi
}
contains() {  # contains NAME NEEDLE HAYSTACK
    checks=$((checks + 1))
    case "$3" in
        *"$2"*) ;;
        *) echo "FAIL: $1: [$2] not in [$3]"; failures=$((failures + 1)) ;;
    esac
}

out="$("$index" --index "$tmp/idx" "$data/articles.jsonl" 2>"$tmp/err")"; rc=$?
check "index with malformed records exits 1" 1 "$rc"
contains "summary line" "indexed 4 articles" "$out"
contains "error names file and line" "articles.jsonl:5: invalid JSON" "$(cat "$tmp/err")"

"$index" --index "$tmp/idx" --skip-errors "$data/articles.jsonl" >/dev/null 2>&1; rc=$?
check "--skip-errors exits 0" 0 "$rc"

"$index" --index "$tmp/idx" "$data/nope.jsonl" >/dev/null 2>&1; rc=$?
check "missing input is a usage error" 2 "$rc"

"$index" >/dev/null 2>&1; rc=$?
check "no arguments is a usage error" 2 "$rc"

mkdir -p "$tmp/Documents"
echo "chapter one" >"$tmp/Documents/thesis.txt"
"$index" --rebuild --no-entities --index "$tmp/Documents" "$data/articles.jsonl" >/dev/null 2>"$tmp/err"; rc=$?
check "a folder that is not an index is refused with exit 2" 2 "$rc"
contains "refusal names the problem" "is not a Herald index" "$(cat "$tmp/err")"
check "the folder's file is kept" "chapter one" "$(cat "$tmp/Documents/thesis.txt")"
check "nothing is added to the folder" "thesis.txt" "$(ls "$tmp/Documents")"

"$index" --help >/dev/null 2>&1; rc=$?
check "--help exits 0" 0 "$rc"

out="$("$index" --version 2>&1)"; rc=$?
check "herald-index --version exits 0" 0 "$rc"
[[ "$out" =~ ^herald-index\ [0-9]+\.[0-9]+\.[0-9]+$ ]]; check "herald-index --version names program and version: $out" 0 "$?"
out="$("$search" --version 2>&1)"; rc=$?
check "herald-search --version exits 0" 0 "$rc"
[[ "$out" =~ ^herald-search\ [0-9]+\.[0-9]+\.[0-9]+$ ]]; check "herald-search --version names program and version: $out" 0 "$?"

json="$("$search" --index "$tmp/idx" --json 'Putin’s delegation')"; rc=$?
check "search exits 0" 0 "$rc"
contains "JSON snippet is highlighted" '<mark>delegation</mark>' "$json"
contains "JSON total" '"total":{"estimate":1' "$json"

text="$("$search" --index "$tmp/idx" floods)"
contains "plain list marks matches" '[Floods]' "$text"
contains "plain list gives the total" 'of 1 matching article.' "$text"
contains "a story lists its other matching paragraphs" '1 more matching paragraph: ¶2' "$text"
text="$("$search" --index "$tmp/idx" --within paragraph floods)"
contains "paragraph mode counts paragraphs" 'of 2 matching paragraphs.' "$text"
contains "paragraph hits name their paragraph" 'a2 ¶2' "$text"

err="$("$search" --index "$tmp/idx" 'AND AND' 2>&1 >/dev/null)"; rc=$?
check "bad query exits 1" 1 "$rc"
contains "bad query message" "cannot parse query" "$err"

err="$("$search" --index "$tmp/missing" oil 2>&1 >/dev/null)"; rc=$?
check "missing index exits 2" 2 "$rc"
check "missing index is one line" 1 "$(printf '%s\n' "$err" | wc -l)"

for q in '' '&' 'Or' 'NOT oil' '"unbalanced' "$(printf 'x%.0s' $(seq 300))" 'a*'; do
    "$search" --index "$tmp/idx" --json "$q" >/dev/null 2>&1; rc=$?
    check "query [${q:0:20}] searches" 0 "$rc"
done

# --source takes one value per use; the query is not swallowed.
one="$("$search" --index "$tmp/idx" --json --source 'test wire' Putin)"
contains "--source then query" '"article_id":"a1"' "$one"
none="$("$search" --index "$tmp/idx" --json --source 'other desk' Putin)"
contains "--source filters" '"hits":[]' "$none"

"$search" --index "$tmp/idx" --limit -1 oil >/dev/null 2>&1; rc=$?
check "negative --limit is a usage error" 2 "$rc"
"$search" --index "$tmp/idx" --snippet-bytes 3 oil >/dev/null 2>&1; rc=$?
check "tiny --snippet-bytes is rejected" 1 "$rc"

# A usage error creates no index.
"$index" --index "$tmp/never" /etc/hostname >/dev/null 2>&1; rc=$?
check "unknown extension is a usage error" 2 "$rc"
check "no index left behind" "absent" "$([ -e "$tmp/never" ] && echo present || echo absent)"

# A read-only index is an I/O error (2), not "locked" (3). Needs root to switch user.
if [ "$(id -u)" -eq 0 ] && command -v setpriv >/dev/null; then
    chmod 755 "$tmp"
    chmod -R a+rX,a-w "$tmp/idx"
    setpriv --reuid 65534 --regid 65534 --clear-groups "$index" --index "$tmp/idx" "$data/articles.jsonl" >/dev/null 2>"$tmp/ro.err"; rc=$?
    check "read-only index exits 2" 2 "$rc"
    contains "read-only message" "cannot lock index" "$(cat "$tmp/ro.err")"
    chmod -R u+w "$tmp/idx"
fi

echo "$((checks - failures)) passed, $failures failed"
[ "$failures" -eq 0 ]
