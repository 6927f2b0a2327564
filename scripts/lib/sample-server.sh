# Sourced by the web checks: builds kho (debug unless KHO_BUILD=release), makes a repository of
# the sample corpus in a temporary folder, and starts `kho serve` on a free loopback port.
# Sets KHO, REPO, PORT, BASE and SERVER_PID; stops the server and removes the folder on exit.

build=${KHO_BUILD:-debug}
if [ "$build" = release ]; then
    swift build -c release --product kho 2>&1 | grep -E "error|Build complete" || true
else
    swift build --product kho 2>&1 | grep -E "error|Build complete" || true
fi
KHO=$PWD/.build/$build/kho
[ -x "$KHO" ] || { echo "the build failed; run 'swift build' to see why" >&2; exit 1; }

WORK=$(mktemp -d)
REPO=$WORK/storage
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE=http://127.0.0.1:$PORT
"$KHO" init --repo "$REPO" > /dev/null
"$KHO" ingest samples/corpus --manifest samples/corpus/manifest.csv --repo "$REPO" > /dev/null 2>&1
"$KHO" config set base-url "$BASE" --repo "$REPO" > /dev/null
# A private product and a removed one, so that the checks see both answered correctly.
private_id=$("$KHO" register --repo "$REPO" --title "Bản thảo nội bộ" --kind article --lang vi --private --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
removed_id=$("$KHO" register --repo "$REPO" --title "Bài trùng lặp" --kind article --lang vi --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
"$KHO" remove "$removed_id" --reason "trùng với một bản ghi khác" --repo "$REPO" > /dev/null
# An exhibition in Vietnamese and English, online, showing a photo, a radio report and a PDF.
exhibition_id=$("$KHO" exhibition create --repo "$REPO" --title "Thành tựu bảo đảm quyền con người" \
    --title "en=Human rights in Viet Nam: achievements" --description "Ảnh và tài liệu lưu trữ về quyền con người." \
    --province gia-lai --venue "Bảo tàng tỉnh Gia Lai" --opens 2025-12-01 --closes 2025-12-15 --json \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
for kind in exhibition-photo radio-report book; do
    "$KHO" exhibition add --repo "$REPO" "$exhibition_id" \
        "$("$KHO" list --repo "$REPO" --kind "$kind" --ids | head -1)" > /dev/null
done
"$KHO" exhibition caption --repo "$REPO" "$exhibition_id" 1 "vi=Ảnh triển lãm tại Thanh Hóa" \
    "en=Exhibition photo, Thanh Hoa" > /dev/null
"$KHO" exhibition publish --repo "$REPO" "$exhibition_id" > /dev/null
export KHO REPO PORT BASE private_id removed_id exhibition_id

"$KHO" serve --repo "$REPO" --port "$PORT" > "$WORK/serve.log" 2>&1 &
SERVER_PID=$!
stop_sample_server() {
    kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null
    chmod -R u+w "$WORK" 2>/dev/null
    rm -rf "$WORK"
}
trap stop_sample_server EXIT
for _ in $(seq 100); do
    curl -fsS "$BASE/healthz" > /dev/null 2>&1 && break
    sleep 0.1
done
curl -fsS "$BASE/healthz" > /dev/null || { echo "kho serve did not start:" >&2; cat "$WORK/serve.log" >&2; exit 1; }
# The id of the first product of a kind.
product_of_kind() { "$KHO" list --repo "$REPO" --kind "$1" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["id"])'; }
