// Cases of the template-level differential suite: small templates exercising Go's text/template,
// fmt, every Sprig function and Helm's own, rendered by us and by the helm oracle and compared.

/** Values every case renders with (as values.yaml of the test chart). */
export const CASE_VALUES = `
int: 1
zero: 0
neg: -42
float: 1.5
small: 0.000001234
big: 1000000
bigger: 123456789
huge: 1e21
precise: 0.1
negzero: -0.0
hex: 0x1F
octal: 0o17
str: hello
empty: ""
space: "  padded  "
yes: yes
on: on
quotedyes: "yes"
numstr: "123"
floatstr: "1.50"
multiline: |
  line one
  line two
html: "<a href=\\"x\\">&'</a>"
unicode: "héllo wörld ✓ 日本"
dash: "-"
colon: "a: b"
bool: true
falsy: false
nullval: null
list: [a, b, c]
nums: [3, 1, 2]
mixed: [1, "two", 3.5, true, null, {k: v}, [x]]
emptylist: []
map:
  b: 2
  a: 1
  c: {d: [1, 2]}
emptymap: {}
nested:
  deep:
    deeper:
      value: found
dupes: [a, b, a, c, b]
words: "the quick brown fox"
camel: "HTTPServerURLs"
snake: "some_snake_case"
path: "/usr/local/bin/helm.tar.gz"
url: "https://user:pass@example.com:8080/p/a%20th?q=1&r=2#frag"
b64: "aGVsbG8gd29ybGQ="
json: '{"a": [1, 2.5, "x"], "b": {"c": null}}'
yamltext: "a: 1\\nb: [x, y]\\n"
tomltext: "a = 1\\nb = [\\"x\\"]\\n[t]\\nk = true\\n"
semver: "1.2.3-beta.1+build"
version: "v1.28.3-gke.100"
date: "2021-03-04T05:06:07Z"
tpl: "{{ .Values.str }}-{{ .Release.Name }}"
`;

/** Extra files in the chart for .Files cases. */
export const CASE_FILES: Readonly<Record<string, string | Uint8Array>> = {
  'files/a.txt': 'alpha\nbeta\n',
  'bin/bin.dat': Uint8Array.from([0, 1, 0xff, 0xc3, 0xa9, 0x80, 0x41, 0xe2, 0x82]),
  'files/b.conf': 'key = value',
  'files/sub/c.txt': 'gamma',
  'files/empty.txt': '',
  'config/x.yaml': 'x: 1\n',
  '.helmignore': 'ignored.txt\n',
  'ignored.txt': 'should not be visible',
};

/** Templates whose output is compared (each renders successfully). */
export const OK_CASES: readonly string[] = [
  // actions, text, trimming, comments
  'plain text only',
  '{{ "a" }}{{- "b" -}}{{ "c" }}',
  'x  {{- 3 }}  y',
  'x {{-3}} y',
  'a\n  {{- /* comment */ -}}\n  b',
  '{{/* a comment */}}z',
  '{{- "trim" }}  \n\n  next',
  "{{ 1 }} {{ 1.0 }} {{ 1e3 }} {{ 0x10 }} {{ 0o17 }} {{ 017 }} {{ 0b101 }} {{ 1_000 }} {{ 'a' }} {{ -5 }} {{ +5 }} {{ .5 }}",
  '{{ true }} {{ false }} {{ "s" }} {{ `raw\\n` }} {{ "esc\\t\\u00e9\\x41" }}',
  // fields and values
  '{{ .Values.int }} {{ .Values.float }} {{ .Values.big }} {{ .Values.bigger }} {{ .Values.huge }} {{ .Values.small }} {{ .Values.precise }} {{ .Values.negzero }} {{ .Values.neg }}',
  '{{ .Values.hex }} {{ .Values.octal }} {{ .Values.yes }} {{ .Values.on }} {{ .Values.quotedyes }}',
  '{{ .Values.list }} {{ .Values.map }} {{ .Values.mixed }} {{ .Values.emptylist }} {{ .Values.emptymap }}',
  '[{{ .Values.nullval }}][{{ .Values.missing }}]',
  '{{ .Values.nested.deep.deeper.value }} {{ .Values.nested.deep }}',
  '{{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.IsInstall }} {{ .Release.IsUpgrade }} {{ .Release.Revision }} {{ .Release.Service }}',
  '{{ .Chart.Name }} {{ .Chart.Version }} {{ .Chart.AppVersion }} {{ .Chart.IsRoot }} {{ .Chart.Description }} {{ .Chart.Keywords }} {{ .Chart.Annotations }} {{ .Chart.Type }} {{ .Chart.APIVersion }}',
  '{{ .Template.Name }} {{ .Template.BasePath }}',
  '{{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion.Major }} {{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.KubeVersion.GitVersion }}',
  '{{ .Capabilities.APIVersions.Has "apps/v1" }} {{ .Capabilities.APIVersions.Has "x/v9" }} {{ .Capabilities.APIVersions.Has "monitoring.coreos.com/v1" }} {{ len .Capabilities.APIVersions }}',
  '{{ .Capabilities.HelmVersion.Version }} {{ toJson .Capabilities.KubeVersion }} {{ printf "%v" .Capabilities.KubeVersion }}',
  '{{ typeOf . }} {{ typeOf .Values }} {{ typeOf .Chart }} {{ typeOf .Capabilities }} {{ typeOf .Files }} {{ typeOf .Release }} {{ typeOf .Template }} {{ typeOf .Values.map }} {{ typeOf .Values.list }} {{ typeOf .Values.int }} {{ typeOf .Values.str }} {{ typeOf .Values.bool }} {{ typeOf .Values.nullval }}',
  '{{ kindOf .Values.map }} {{ kindOf .Values.list }} {{ kindOf 1 }} {{ kindOf 1.5 }} {{ kindOf "s" }} {{ kindOf true }} {{ kindOf nil }} {{ kindOf .Capabilities }} {{ kindOf .Chart }}',
  // variables and scope
  '{{ $x := 1 }}{{ $x }}{{ $x = 2 }}{{ $x }}{{ if true }}{{ $x = 3 }}{{ $y := 4 }}{{ $y }}{{ end }}{{ $x }}',
  '{{ $ := . }}{{ $.Values.str }} {{ with .Values.map }}{{ $.Release.Name }} {{ .a }}{{ end }}',
  '{{ range $i, $v := .Values.list }}{{ $i }}={{ $v }},{{ end }}',
  '{{ range $k, $v := .Values.map }}{{ $k }}:{{ $v }};{{ end }}',
  '{{ range .Values.nums }}{{ . }}{{ end }}|{{ range $v := .Values.nums }}{{ $v }}{{ end }}',
  '{{ range 3 }}{{ . }}{{ end }}|{{ range $i := 2 }}{{ $i }}{{ end }}|{{ range 0 }}x{{ else }}none{{ end }}',
  '{{ range .Values.emptylist }}x{{ else }}empty{{ end }} {{ range .Values.missing }}x{{ else }}missing{{ end }} {{ range .Values.nullval }}x{{ else }}null{{ end }}',
  '{{ range $i, $v := .Values.list }}{{ if eq $v "b" }}{{ continue }}{{ end }}{{ if eq $v "c" }}{{ break }}{{ end }}{{ $v }}{{ end }}done',
  '{{ $v := "" }}{{ range $v = .Values.list }}{{ end }}{{ $v }}',
  '{{ range $i, $e := until 3 }}{{ $i }}{{ $e }}{{ end }}',
  // if/with chains
  '{{ if .Values.int }}a{{ else if .Values.str }}b{{ else }}c{{ end }}',
  '{{ if .Values.zero }}a{{ else if .Values.empty }}b{{ else if .Values.emptylist }}c{{ else if .Values.emptymap }}d{{ else if .Values.nullval }}e{{ else }}f{{ end }}',
  '{{ with .Values.missing }}a{{ else with .Values.str }}{{ . }}{{ else }}c{{ end }}',
  '{{ with $x := .Values.map }}{{ $x.a }}{{ end }}',
  '{{ if and .Values.int .Values.str }}y{{ end }} {{ and 1 0 "x" }} {{ and 1 2 }} {{ or 0 "" "z" }} {{ or 0 "" }} {{ not 0 }} {{ not "x" }}',
  '{{ and .Values.missing .Values.missing.x }} {{ or .Values.str .Values.missing.x }}',
  // define, template, block
  '{{ define "d1" }}D1({{ . }}){{ end }}{{ template "d1" "arg" }}{{ template "d1" }}',
  '{{ block "blk" .Values.str }}[{{ . }}]{{ end }}',
  '{{ include "case.helper" . }}|{{ include "case.helper" (dict "x" 1) }}',
  '{{ tpl .Values.tpl . }}|{{ tpl "{{ define \\"inner\\" }}I{{ end }}{{ include \\"inner\\" . }}" . }}|{{ tpl "{{ .missing }}" . }}',
  '{{ tpl "{{ include \\"case.helper\\" . }}" . }}',
  // printing
  '{{ print 1 2 "a" "b" 3 nil }}|{{ println 1 "a" }}|{{ print }}|{{ print .Values.map .Values.list }}',
  '{{ printf "%d %5d %-5d| %05d %x %X %o %O %b %c %q %U %#U %+d % d" 42 42 42 42 255 255 8 8 5 65 65 0x1F600 0x1F600 5 5 }}',
  '{{ printf "%s %q %v %10s| %-10s| %.2s %x %X % x %#x" "abc" "a\\"b" "v" "r" "l" "trunc" "hi" "hi" "hi" "hi" }}',
  '{{ printf "%f %.2f %e %E %g %G %8.3f %-8.3f| %+.1f %v %v %v" 3.14159 2.675 123456.789 0.000123 1e21 1e-7 3.14159 2.5 -1.25 1e6 100000.0 0.1 }}',
  '{{ printf "%v %+v %#v %T" .Values.map .Values.map .Values.list .Values.map }}',
  '{{ printf "%t %v %s" true false true }}',
  '{{ printf "%d %s" "x" 1 }}|{{ printf "%d" }}|{{ printf "%d %d" 1 }}|{{ printf "x" 1 2 }}|{{ printf "%!" }}|{{ printf "%z" 1 }}',
  '{{ printf "%[2]d %[1]d %*d %.*f %-*d|" 1 2 5 3 2 3.14159 4 7 }}',
  '{{ printf "%v %v %v" nil .Values.nullval .Values.missing }}',
  '{{ printf "%5.1f|%05.1f|%x|%.0f|%.0f|%.0f" 3.14159 -2.5 3.5 0.5 1.5 2.5 }}',
  '{{ printf "%v" .Capabilities.KubeVersion }} {{ printf "%+v" (index .Chart.Maintainers 0) }} {{ len .Chart.Maintainers }}',
  // comparisons
  '{{ eq 1 1 }} {{ eq "a" "a" }} {{ eq .Values.str "hello" }} {{ eq 1 2 3 1 }} {{ ne 1 2 }} {{ lt 1 2 }} {{ le 2 2 }} {{ gt "b" "a" }} {{ ge 1.5 1.5 }}',
  '{{ eq .Values.int 1.0 }} {{ eq .Values.float 1.5 }} {{ eq .Values.missing nil }} {{ eq nil nil }} {{ eq .Values.nullval .Values.missing }} {{ lt .Values.neg .Values.zero }}',
  // index, slice, len
  '{{ index .Values.list 1 }} {{ index .Values.map "a" }} {{ index .Values "map" "c" "d" 1 }} {{ index .Values.map "zz" }} {{ index .Values.str 1 }}',
  '{{ len .Values.list }} {{ len .Values.map }} {{ len .Values.str }} {{ len .Values.unicode }} {{ len "" }}',
  '{{ slice .Values.list 1 }} {{ slice .Values.list 1 2 }} {{ slice .Values.list }}',
  // html, js, urlquery
  '{{ html .Values.html }} {{ js .Values.html }} {{ urlquery .Values.html }} {{ html 1 2 }} {{ js "\\u2028é" }} {{ urlquery "a b+c/d" }}',
  // chains and parens
  '{{ (.Values.map).a }} {{ (dict "k" (dict "n" 5)).k.n }} {{ $m := .Values.map }}{{ $m.c.d }}',
  '{{ .Values.str | upper | printf "%s!" }} {{ "x" | printf "%s-%s" "y" }}',
  // <no value> handling at the file level
  'v: {{ .Values.missing }}|{{ .Values.missing | toString }}|{{ printf "%v" .Values.missing }}',
  // Sprig strings
  '{{ upper "abc" }} {{ lower "ABC" }} {{ title "hello world-x y_z" }} {{ untitle "Hello World" }} {{ repeat 3 "ab" }} {{ substr 1 3 "hello" }} {{ substr 2 99 "hello" }} {{ substr -1 2 "hello" }}',
  '{{ trim .Values.space }}|{{ trimAll "*" "**a*b**" }}|{{ trimall "x" "xxy" }}|{{ trimPrefix "he" "hello" }}|{{ trimSuffix "lo" "hello" }}|{{ nospace "a b\\tc\\nd" }}',
  '{{ trunc 3 "hello" }} {{ trunc -3 "hello" }} {{ trunc 10 "hi" }} {{ abbrev 5 "hello world" }} {{ abbrev 3 "hello" }} {{ abbrevboth 5 10 "1234 5678 9123" }}',
  '{{ initials "First Try here" }} {{ swapcase "This Is A.Test" }} {{ snakecase "FirstName" }} {{ snakecase .Values.camel }} {{ camelcase "http_server" }} {{ camelcase .Values.snake }} {{ kebabcase "FirstName" }} {{ kebabcase .Values.camel }}',
  '{{ wrap 5 .Values.words }}|{{ wrapWith 5 "\\t" .Values.words }}|{{ wrap 80 "short" }}',
  '{{ contains "ell" "hello" }} {{ hasPrefix "he" "hello" }} {{ hasSuffix "lo" "hello" }} {{ contains "" "" }}',
  '{{ quote "a" 1 nil .Values.float "b\\"c" }} {{ squote "a" 1 nil 1.5 }} {{ cat "a" 1 nil "b" .Values.list }}',
  '{{ indent 4 .Values.multiline }}|{{ nindent 2 "x\\ny" }}|{{ indent 0 "z" }}',
  '{{ replace "o" "0" "foo boo" }} {{ replace "" "-" "abc" }} {{ plural "one" "many" 1 }} {{ plural "one" "many" 2 }}',
  '{{ toString 1 }} {{ toString 1.5 }} {{ toString .Values.list }} {{ toString nil }} {{ toString true }} {{ toString .Values.big }}',
  '{{ b64enc "hello world" }} {{ b64dec .Values.b64 }} {{ b64dec "!!!" }} {{ b32enc "hello" }} {{ b32dec "NBSWY3DP" }} {{ b32dec "x" }}',
  '{{ join "," .Values.list }} {{ join "-" .Values.nums }} {{ join "," .Values.mixed }} {{ join "," "str" }} {{ join "," nil }}',
  '{{ sortAlpha .Values.dupes }} {{ sortAlpha .Values.nums }} {{ sortAlpha "x" }}',
  '{{ split "." "a.b.c" }} {{ (split "." "a.b.c")._1 }} {{ splitList "," "a,b,,c" }} {{ splitn "." 2 "a.b.c" }} {{ splitList "" "abc" }} {{ toStrings .Values.mixed }}',
  '{{ regexMatch "^[a-z]+$" "abc" }} {{ regexFindAll "[0-9]+" "a1b22c333" -1 }} {{ regexFindAll "[0-9]+" "a1b22c333" 2 }} {{ regexFind "b+" "abbbc" }} {{ regexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ regexReplaceAllLiteral "a(x*)b" "-ab-axxb-" "${1}" }} {{ regexSplit "z+" "pizza" -1 }} {{ regexQuoteMeta "1.5-2.0?" }}',
  '{{ regexFindAll "x" "abc" -1 | toJson }} {{ regexSplit "z+" "pizza" 0 | toJson }}',
  '{{ sha1sum "abc" }} {{ sha256sum "abc" }} {{ adler32sum "abc" }}',
  '{{ sha512sum "abc" }}',
  '{{ derivePassword 1 "long" "password" "user" "example.com" }} {{ derivePassword 1 "maximum" "p" "u" "s" }} {{ derivePassword 1 "pin" "p" "u" "s" }} {{ derivePassword 1 "nope" "p" "u" "s" }}',
  '{{ decryptAES "secretkey" "Ro+r7l5aKsxssNKEip3srj72wI6mk6wCsuufmrIJSjk=" }} {{ encryptAES "k" "" }}|{{ decryptAES "k" "" }}',
  '{{ len (randAlphaNum 12) }} {{ len (randAlpha 5) }} {{ len (randNumeric 4) }} {{ len (randAscii 7) }} {{ len (b64dec (randBytes 9)) }} {{ regexMatch "^[a-zA-Z0-9]{12}$" (randAlphaNum 12) }} {{ regexMatch "^[0-9a-f-]{36}$" uuidv4 }} {{ len (shuffle "abcdef") }}',
  '{{ hasPrefix "$2a$10$" (bcrypt "pw") }} {{ len (bcrypt "pw") }} {{ hasPrefix "user:$2a$10$" (htpasswd "user" "pw") }} {{ htpasswd "a:b" "pw" }}',
  // Sprig lists
  '{{ list 1 "a" nil }} {{ tuple 1 2 }} {{ append .Values.list "d" }} {{ prepend .Values.list "z" }} {{ concat .Values.list .Values.nums (list) }} {{ concat }}',
  '{{ first .Values.list }} {{ last .Values.list }} {{ rest .Values.list }} {{ initial .Values.list }} {{ first .Values.emptylist }} {{ rest .Values.emptylist }} {{ initial .Values.emptylist | toJson }}',
  '{{ reverse .Values.list }} {{ uniq .Values.dupes }} {{ without .Values.dupes "a" "c" }} {{ has "b" .Values.list }} {{ has 1 .Values.nums }} {{ has 3.0 .Values.nums }} {{ has "x" nil }}',
  '{{ compact (list 0 1 "" "a" nil false true (list) (dict)) }} {{ slice .Values.list 1 }} {{ slice .Values.list 0 2 }} {{ slice .Values.emptylist | toJson }}',
  '{{ chunk 2 (list 1 2 3 4 5) }} {{ chunk 3 .Values.list }} {{ until 5 }} {{ until -3 }} {{ untilStep 1 10 3 }} {{ untilStep 10 1 -4 }} {{ untilStep 1 3 0 }}',
  '{{ seq 5 }}|{{ seq -3 }}|{{ seq 2 5 }}|{{ seq 5 2 }}|{{ seq 0 2 10 }}|{{ seq 10 -3 1 }}|{{ seq 1 2 }}|{{ seq }}',
  '{{ mustFirst .Values.list }} {{ mustLast .Values.list }} {{ mustRest .Values.list }} {{ mustInitial .Values.list }} {{ mustReverse .Values.list }} {{ mustUniq .Values.dupes }} {{ mustWithout .Values.list "a" }} {{ mustHas "c" .Values.list }} {{ mustCompact (list "" "x") }} {{ mustAppend .Values.list 1 }} {{ mustPrepend .Values.list 0 }} {{ mustChunk 2 .Values.list }} {{ mustSlice .Values.list 1 2 }}',
  // Sprig dicts
  '{{ dict "a" 1 "b" "two" "c" }} {{ dict }} {{ dict 1 2 }} {{ get .Values.map "a" }} {{ get .Values.map "zz" | toJson }} {{ hasKey .Values.map "b" }} {{ hasKey .Values.map "z" }}',
  '{{ $d := dict "a" 1 }}{{ $_ := set $d "b" 2 }}{{ $d }} {{ $_ := unset $d "a" }}{{ $d }} {{ keys (dict "b" 1 "a" 2) | sortAlpha }} {{ values (dict "a" 1) }}',
  '{{ pick .Values.map "a" "c" "zz" }} {{ omit .Values.map "a" }} {{ pluck "a" (dict "a" 1) (dict "b" 2) (dict "a" 3) }}',
  '{{ merge (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "y" 2)) }} {{ mergeOverwrite (dict "a" 1 "n" (dict "x" 1)) (dict "a" 2 "b" 3 "n" (dict "x" 9)) }}',
  '{{ merge (dict "a" 0 "b" "" "c" false "d" (list)) (dict "a" 5 "b" "x" "c" true "d" (list 1)) }} {{ mergeOverwrite (dict "a" 1) (dict "a" nil) }} {{ merge (dict "a" 1) (dict "a" nil) }}',
  '{{ $m := deepCopy .Values.map }}{{ $_ := set $m "a" 100 }}{{ $m.a }} {{ .Values.map.a }} {{ mustDeepCopy (list 1) }}',
  '{{ dig "c" "d" "def" .Values.map }} {{ dig "zz" "def" .Values.map }} {{ dig "nested" "deep" "deeper" "value" "no" (dict "nested" .Values.nested) }}',
  '{{ mustMerge (dict "a" 1) (dict "b" 2) }} {{ mustMergeOverwrite (dict "a" 1) (dict "a" 2) }}',
  // defaults
  '{{ default "d" .Values.missing }} {{ default "d" .Values.empty }} {{ default "d" .Values.str }} {{ default 5 .Values.zero }} {{ default "d" .Values.falsy }} {{ default "d" .Values.emptylist }} {{ default "d" }} {{ default "d" nil }}',
  '{{ empty 0 }} {{ empty "" }} {{ empty nil }} {{ empty .Values.emptymap }} {{ empty .Values.map }} {{ empty .Capabilities }} {{ empty .Chart }} {{ empty false }}',
  '{{ coalesce .Values.missing "" 0 "x" }} {{ coalesce nil }} {{ all 1 "a" true }} {{ all 1 "" }} {{ any 0 "" nil }} {{ any 0 "x" }} {{ ternary "y" "n" true }} {{ ternary "y" "n" false }}',
  // JSON
  '{{ toJson .Values.map }} {{ toJson .Values.mixed }} {{ toJson .Values.html }} {{ toJson .Values.unicode }} {{ toJson .Values.huge }} {{ toJson .Values.small }} {{ toJson .Values.big }} {{ toJson nil }} {{ toJson "" }}',
  '{{ toPrettyJson .Values.map }}|{{ toPrettyJson .Values.emptymap }}|{{ toPrettyJson .Values.emptylist }}|{{ toRawJson .Values.html }}',
  '{{ mustToJson (list 1) }} {{ mustToPrettyJson (dict "a" (list)) }} {{ mustToRawJson (dict "h" "<>") }}',
  '{{ fromJson .Values.json }} {{ (fromJson .Values.json).a }} {{ fromJson "[1,2]" }} {{ fromJson "bad" }} {{ fromJson "1" }} {{ fromJson "{\\"a\\":1,}" }}',
  '{{ fromJsonArray "[1, \\"a\\", {\\"b\\": 2}]" }} {{ fromJsonArray "{}" }} {{ fromJsonArray "[1," }} {{ mustFromJson "{\\"x\\": 1.5}" }}',
  // YAML
  '{{ toYaml .Values.map }}',
  '{{ toYaml .Values.mixed }}',
  '{{ toYaml .Values }}',
  '{{ toYaml (dict "s" "yes" "n" "123" "f" "1.5" "e" "" "m" "a\\nb" "t" "2021-01-01" "x" "~" "l" (list) "d" (dict) "h" "0x10" "o" "0o7" "b" true "z" nil) }}',
  '{{ toYaml "plain" }}|{{ toYaml 1 }}|{{ toYaml .Values.big }}|{{ toYaml nil }}|{{ toYaml (list) }}|{{ toYaml .Values.huge }}',
  '{{ toYaml (dict "long" "word word word word word word word word word word word word word word word word word word word word") }}',
  '{{ toYaml (dict "k10" 1 "k9" 2 "k1" 3 "a" 4 "B" 5 "_x" 6 "1" 7) }}',
  '{{ toYaml (dict "t" "trailing \\n\\n" "s" " lead" "c" "a: b" "h" "# x" "q" "\'" "d" "\\"" "u" "é" "tab" "a\\tb") }}',
  '{{ toYamlPretty .Values.map }}|{{ toYamlPretty (dict "l" (list 1 (dict "a" 1)) "s" "yes" "n" 1.5 "i" (int 3)) }}',
  '{{ fromYaml .Values.yamltext }} {{ (fromYaml "a: [1, 2]").a }} {{ fromYaml "[1]" }} {{ fromYaml "" }} {{ fromYaml "a: yes\\nb: 010\\nc: 1e3" }}',
  '{{ fromYamlArray "- 1\\n- a: b" }} {{ fromYamlArray "a: 1" }} {{ fromYamlArray "" }}',
  // TOML
  '{{ toToml .Values.map }}',
  '{{ toToml (dict "s" "x\\ny" "i" 1 "f" 1.5 "b" true "l" (list 1 2) "t" (list (dict "a" 1) (dict "a" 2)) "n" nil "e" (dict)) }}',
  '{{ fromToml .Values.tomltext }} {{ (fromToml "a = 1").a }}',
  // numeric
  '{{ add 1 2 3 }} {{ add1 5 }} {{ sub 5 7 }} {{ mul 2 3 4 }} {{ div 7 2 }} {{ div -7 2 }} {{ mod 7 3 }} {{ mod -7 3 }} {{ add "3" 1.9 }} {{ add }}',
  '{{ max 1 5 3 }} {{ min 4 2 8 }} {{ biggest 1 9 }} {{ maxf 1.5 2 }} {{ minf -1 2.5 }} {{ floor 1.7 }} {{ ceil 1.2 }} {{ round 1.2345 2 }} {{ round 1.5 0 }} {{ round 2.5 0 }} {{ round 1.25 1 0.4 }}',
  '{{ addf 1.1 2.2 }} {{ add1f 1.5 }} {{ subf 5 1.1 }} {{ mulf 1.1 3 }} {{ divf 10 3 }} {{ divf 1 3 3 }} {{ addf }}',
  '{{ int "42" }} {{ int 3.9 }} {{ int64 "0x1F" }} {{ int "010" }} {{ int "1.00" }} {{ int "x" }} {{ int true }} {{ float64 "1.5" }} {{ float64 3 }} {{ atoi "12" }} {{ atoi "x" }} {{ toDecimal "0777" }} {{ toDecimal 10 }}',
  '{{ typeOf (add 1 2) }} {{ typeOf (int 1) }} {{ typeOf (int64 1) }} {{ typeOf (float64 1) }} {{ typeOf (atoi "1") }} {{ typeOf (len "a") }} {{ typeOf 1 }} {{ typeOf 1.0 }} {{ typeOf (until 1) }} {{ typeOf (list) }} {{ typeOf (dict) }} {{ typeOf (splitList "," "") }} {{ typeOf (split "," "") }}',
  '{{ typeIs "int" 1 }} {{ typeIsLike "chartutil.Capabilities" .Capabilities }} {{ kindIs "map" .Values.map }} {{ deepEqual .Values.list (list "a" "b" "c") }} {{ deepEqual 1 1.0 }}',
  // paths and urls
  '{{ base .Values.path }} {{ dir .Values.path }} {{ ext .Values.path }} {{ clean "/a/../b/./c/" }} {{ isAbs .Values.path }} {{ base "" }} {{ dir "x" }} {{ osBase "a/b" }} {{ osClean "a//b" }} {{ osDir "a/b" }} {{ osExt "a.b" }} {{ osIsAbs "a" }}',
  '{{ urlParse .Values.url }} {{ (urlParse "http://h/p").host }}',
  '{{ urlJoin (dict "scheme" "https" "host" "example.com" "path" "/a b" "query" "x=1" "fragment" "f g") }} {{ urlJoin (dict "host" "h" "path" "p") }} {{ urlJoin (dict "scheme" "mailto" "opaque" "me@x") }} {{ urlJoin (dict "scheme" "s" "host" "h" "userinfo" "u:p") }}',
  // semver
  '{{ semverCompare ">=1.20.0" "1.21.3" }} {{ semverCompare "^1.2" "1.9.0" }} {{ semverCompare "~1.2.3" "1.3.0" }} {{ semverCompare ">=1.19-0" .Capabilities.KubeVersion.GitVersion }} {{ semverCompare "<1.20" "1.20.0-rc.1" }} {{ semverCompare "1.x" "1.9.9" }} {{ semverCompare ">1.0 <2.0 || =3.0" "3.0.0" }} {{ semverCompare "1.2 - 1.4" "1.3.5" }}',
  '{{ semver .Values.semver }} {{ (semver .Values.semver).Major }} {{ (semver .Values.semver).Minor }} {{ (semver .Values.semver).Patch }} {{ (semver .Values.semver).Prerelease }} {{ (semver .Values.semver).Metadata }} {{ (semver "v2").Original }} {{ (semver "1.2.3").LessThan (semver "1.3") }} {{ (semver "1.2.3").Compare (semver "1.2.3") }} {{ (semver "1.2.3").IncMinor }} {{ toJson (semver "1.2") }}',
  '{{ semverCompare ">= 1.2.3, < 2" "1.5" }} {{ semverCompare "!=1.2.3" "1.2.3" }} {{ semverCompare "*" "1.0.0-alpha" }} {{ semverCompare ">=1.0.0-0" "1.0.0-alpha" }}',
  // dates (deterministic ones)
  '{{ date "2006-01-02 15:04:05 MST Mon Jan _2 3PM .000 Z07:00" (toDate "2006-01-02T15:04:05Z07:00" .Values.date) }}',
  '{{ toDate "2006-01-02" "2020-10-11" | date "Monday January 2 2006" }} {{ unixEpoch (toDate "2006-01-02" "2020-10-11") }} {{ htmlDate (toDate "2006-01-02" "2020-10-11") }} {{ dateInZone "15:04 MST" 0 "UTC" }} {{ date "2006" 86400 }}',
  '{{ duration 95 }} {{ duration "3661" }} {{ duration 0 }} {{ durationRound "2h10m" }} {{ durationRound "95s" }} {{ durationRound "800h" }} {{ durationRound 0 }} {{ dateModify "1.5h" (toDate "2006-01-02" "2020-10-11") | date "15:04" }}',
  '{{ toDate "2006-01-02" "bad" }} {{ typeOf now }} {{ len (now | date "2006") }} {{ ago (toDate "2006" "2006") | regexMatch "^[0-9]+h" }}',
  '{{ $d := toDate "2006-01-02 15:04" "2024-03-05 22:30" }}{{ date_in_zone "2006-01-02 15:04 MST" $d "Asia/Tokyo" }} {{ htmlDateInZone $d "America/New_York" }} {{ date_modify "+1h45m" $d | date "2006-01-02T15:04" }} {{ date_modify "bad" $d | date "15:04" }} {{ must_date_modify "-90m" $d | date "15:04" }} {{ mustDateModify "1.5h" $d | date "15:04" }}',
  '{{ $d := toDate "2006-01-02 15:04" "2024-07-05 22:30" }}{{ range list "Europe/Berlin" "America/Sao_Paulo" "Asia/Kolkata" "Australia/Adelaide" "Europe/London" "America/Los_Angeles" "Asia/Dubai" }}{{ date_in_zone "Jan 2 15:04 MST -0700" $d . }}; {{ dateInZone "MST" (toDate "2006-01-02" "2024-01-10") . }}; {{ end }}',
  '{{ mustToDate "2006-01-02" "2024-03-05" }} {{ typeOf (mustToDate "2006-01-02" "2024-03-05") }} {{ toDate "2006-01-02T15:04:05Z07:00" "2024-03-05T10:00:00+02:00" }}',
  // lists and regexps of the must- kind
  '{{ push (list 1 2) 3 }} {{ mustPush (list "a") "b" }} {{ push .Values.list "d" }} {{ randInt 5 6 }} {{ randInt -3 -2 }}',
  '{{ mustRegexMatch "^a.c$" "abc" }} {{ mustRegexFindAll "a." "abacad" -1 }} {{ mustRegexFindAll "a." "abacad" 2 }} {{ mustRegexReplaceAll "a(x*)b" "-ab-axxb-" "${1}W" }} {{ mustRegexReplaceAllLiteral "a(x*)" "-ax-" "${1}" }} {{ mustRegexSplit "a" "banana" -1 }} {{ mustRegexSplit "a" "banana" 2 }}',
  // hello and misc
  '{{ hello }} {{ getHostByName "localhost" }} {{ lookup "v1" "Pod" "ns" "name" }} {{ lookup "v1" "Pod" "" "" | len }}',
  // Files
  // bytes that are not UTF-8 (binary files, b64dec) stay bytes
  '{{ .Files.Get "bin/bin.dat" | b64enc }} {{ len (.Files.Get "bin/bin.dat") }} {{ .Files.Get "bin/bin.dat" | sha256sum }} {{ printf "%q" (.Files.Get "bin/bin.dat") }} {{ .Files.Get "bin/bin.dat" | toJson }} {{ .Files.GetBytes "bin/bin.dat" | len }}',
  '{{ printf "%q" (b64dec "/w==") }} {{ len (b64dec "/w+A") }} {{ b64dec "/w==" | b64enc }} {{ b64dec "/w==" | sha256sum }} {{ "\\xc3\\xa9" }} {{ "\\xff" | b64enc }} {{ b64dec "/w==" | toJson }} {{ printf "%x" (b64dec "/w==") }} {{ trunc 1 "\\xc3\\xa9" | b64enc }}',
  '{{ .Files.Get "files/a.txt" }}|{{ .Files.Get "missing" }}|{{ .Files.GetBytes "files/b.conf" }}|{{ .Files.Get "ignored.txt" }}|{{ .Files.Get ".helmignore" }}',
  '{{ range $p, $c := .Files.Glob "files/*" }}{{ $p }}={{ $c | toString }};{{ end }}|{{ range $p, $_ := .Files.Glob "files/**" }}{{ $p }};{{ end }}|{{ range $p, $_ := .Files.Glob "**/*.{txt,yaml}" }}{{ $p }};{{ end }}',
  '{{ (.Files.Glob "files/*.txt").AsConfig }}',
  '{{ (.Files.Glob "files/*").AsSecrets }}',
  '{{ .Files.Lines "files/a.txt" }} {{ .Files.Lines "missing" }} {{ range .Files.Lines "files/a.txt" }}[{{ . }}]{{ end }}',
  // Subcharts value
  '{{ typeOf .Subcharts }} {{ len .Subcharts }}',
];

/** Helpers the cases include (templates/_helpers.tpl of the test chart). */
export const CASE_HELPERS = `{{- define "case.helper" -}}helper({{ typeOf . }}){{- end -}}`;

/** Templates that fail; their error messages are compared (each rendered on its own). */
export const ERROR_CASES: readonly string[] = [
  // go-yaml's reader rejects bytes that are not UTF-8 and control characters in a manifest
  '{{ b64dec "/w==" }}',
  'a: "{{ b64dec "wyg=" }}"',
  'a: {{ b64dec "7aCA" }}',
  'a: {{ printf "%c" 1 }}',
  'a: {{ b64dec "4oI=" }}',
  '{{ .Values.int | foo }}',
  '{{ if }}',
  '{{ end }}',
  '{{ range .Values.list }}',
  '{{ $x }}',
  '{{ "unterminated }}',
  '{{ 1 2 }}',
  '{{ .Values.str.x }}',
  '{{ .Values.missing.x.y }}',
  '{{ $m := .Values.missing }}{{ $m.x.y }}',
  '{{ eq .Values.int 1 }}',
  '{{ lt "a" 1 }}',
  '{{ eq .Values.map .Values.map }}',
  '{{ index .Values.list 5 }}',
  '{{ index .Values.missing 0 }}',
  '{{ index .Values.int 0 }}',
  '{{ len .Values.int }}',
  '{{ len .Values.missing }}',
  '{{ slice .Values.list 2 1 }}',
  '{{ required "str is required" .Values.missing }}',
  '{{ include "case.helper" . | required "x" }}{{ required "empty is required" .Values.empty }}',
  '{{ fail "custom failure" }}',
  '{{ include "nope" . }}',
  '{{ template "nope" . }}',
  '{{ indent 2 .Values.missing }}',
  '{{ .Values.missing | indent 2 }}',
  '{{ indent "x" "y" }}',
  '{{ upper 1 }}',
  '{{ div 1 0 }}',
  '{{ first .Values.int }}',
  '{{ mustFirst .Values.int }}',
  '{{ first .Values.missing }}',
  '{{ dig "a" "b" .Values }}',
  '{{ substr 3 1 "hello" }}',
  '{{ tpl "{{ .x" . }}',
  '{{ tpl "{{ fail \\"inner\\" }}" . }}',
  '{{ regexFind "[" "x" }}',
  '{{ mustRegexFind "[" "x" }}',
  '{{ semver "not a version" }}',
  '{{ semverCompare "> =" "1.0.0" }}',
  '{{ toRawJson .Values.huge | toString }}{{ mustToJson (float64 "NaN") }}',
  '{{ range 1.5 }}{{ end }}',
  '{{ range $i, $v := 3 }}{{ end }}',
  '{{ nil }}',
  '{{ .Values.list.x }}',
  '{{ "x" | 1 }}',
  '{{ .Chart.Nope }}',
  '{{ .Capabilities.KubeVersion.Nope }}',
  '{{ define "case.helper" }}dup{{ end }}{{ define "case.helper" }}dup2{{ end }}',
  '{{ printf }}',
  '{{ and }}{{ call .Values.str }}',
  '{{ $x := 1 }}{{ $x.y }}',
  '{{ .Values.str "arg" }}',
  '{{ break }}',
  'a\n\n  {{ .Values.map.c.d.nope }}',
  '{{ include "case.recursive" . }}',
  '{{ mustMerge .Values.map 1 }}',
  '{{ set nil "a" 1 }}',
  '{{ urlParse "http://[::1" }}',
  '{{ mustRegexMatch "(" "x" }}',
  '{{ mustRegexFindAll "(" "x" -1 }}',
  '{{ mustRegexReplaceAll "(" "x" "y" }}',
  '{{ mustRegexReplaceAllLiteral "(" "x" "y" }}',
  '{{ mustRegexSplit "(" "x" -1 }}',
  '{{ mustToDate "2006-01-02" "2024-13-45" }}',
  '{{ mustToDate "2006-01-02" "2023-02-29" }}',
  '{{ mustToDate "2006-01-02 15:04" "2024-02-29 24:00" }}',
  '{{ mustToDate "2006-01-02 3:04PM" "2024-02-29 13:00PM" }}',
  '{{ mustToDate "15:04:05" "10:60:00" }}',
  '{{ mustToDate "15:04:05" "10:00:61" }}',
  '{{ must_date_modify "soon" now }}',
  '{{ mustPush .Values.str "x" }}',
  '{{ push .Values.int "x" }}',
  '{{ genPrivateKey "nope" }}',
];

/** Extra helpers only the error cases need. */
export const ERROR_HELPERS = `{{- define "case.recursive" -}}{{ include "case.recursive" . }}{{- end -}}`;
