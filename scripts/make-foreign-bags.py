#!/usr/bin/env python3
"""Makes BagIt bags as other tools write them (RFC 8493 allows much that kho itself never writes),
and some that break the RFC, into DIR, with DIR/expected.json: each bag's verdict by RFC 8493.

Used by the tests (kho's BagIt verdict must match `expected.json`) and by scripts/check-bagit
(bagit-python's verdict must match too). Needs only Python's standard library.

    scripts/make-foreign-bags.py DIR
"""
import hashlib
import json
import os
import sys
import unicodedata


def digest(data, algorithm):
    return hashlib.new(algorithm, data).hexdigest()


def encode_path(path):
    return path.replace("%", "%25").replace("\n", "%0A").replace("\r", "%0D")


def make(root, name, payload, *, version="1.0", encoding="utf-8", declared=None, newline="\n",
         algorithms=("sha256",), tag_algorithms=("sha256",), info=None, manifest_prefix="",
         fetch=None, declaration_bom=False, declaration=True, tamper=None, extra_manifest_lines=()):
    """payload: {relative path under data/: bytes}. tamper(bag) changes the bag after it is written."""
    bag = os.path.join(root, name)
    os.makedirs(bag)
    for path, data in payload.items():
        full = os.path.join(bag, "data", path)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "wb") as f:
            f.write(data)

    def write_tag(file, lines):
        text = newline.join(lines) + newline
        data = text.encode(encoding)
        if encoding == "utf-16":  # Python writes the byte-order mark
            pass
        with open(os.path.join(bag, file), "wb") as f:
            f.write(data)
        return data

    tags = {}
    if declaration:
        text = f"BagIt-Version: {version}\nTag-File-Character-Encoding: {declared or encoding.upper()}\n"
        data = (b"\xef\xbb\xbf" if declaration_bom else b"") + text.encode("utf-8")
        with open(os.path.join(bag, "bagit.txt"), "wb") as f:
            f.write(data)
        tags["bagit.txt"] = data
    for algorithm in algorithms:
        lines = [f"{digest(data, algorithm)}  {manifest_prefix}data/{encode_path(path)}"
                 for path, data in sorted(payload.items())]
        lines += list(extra_manifest_lines)
        tags[f"manifest-{algorithm}.txt"] = write_tag(f"manifest-{algorithm}.txt", lines)
    octets = sum(len(d) for d in payload.values())
    info_lines = [f"Source-Organization: {(info or {}).get('org', 'Thư viện tỉnh')}",
                  "Bagging-Date: 2026-11-01",
                  f"Payload-Oxum: {(info or {}).get('oxum', f'{octets}.{len(payload)}')}"]
    tags["bag-info.txt"] = write_tag("bag-info.txt", info_lines)
    if fetch:
        tags["fetch.txt"] = write_tag("fetch.txt", fetch)
    for algorithm in tag_algorithms:
        lines = [f"{digest(data, algorithm)}  {file}" for file, data in sorted(tags.items())]
        write_tag(f"tagmanifest-{algorithm}.txt", lines)
    if tamper:
        tamper(bag)
    return bag


def main():
    root = sys.argv[1]
    os.makedirs(root, exist_ok=True)
    text = "Tài liệu số hóa của tỉnh.\n".encode()
    scan = bytes(range(256)) * 40
    expected = {}

    def bag(name, valid, warnings=0, complete=True, **kwargs):
        payload = kwargs.pop("payload", {"scan-001.tif": scan, "readme.txt": text})
        make(root, name, payload, **kwargs)
        expected[name] = {"valid": valid, "complete": complete, "warnings": warnings}

    # Valid, as other tools write them.
    bag("lf-1.0", True)
    bag("crlf-0.97", True, version="0.97", newline="\r\n", algorithms=("md5", "sha256"))
    bag("cr-line-endings", True, newline="\r")
    bag("latin-1", True, encoding="latin-1", declared="ISO-8859-1", info={"org": "Société des archives"},
        payload={"données.txt": text})
    bag("utf-16", True, encoding="utf-16", declared="UTF-16", payload={"tài liệu.txt": text})
    # RFC 8493 2.1.3: %, LF and CR are percent-encoded. bagit-python 1.9 does not decode %25.
    bag("percent-names", True, payload={"50%.txt": text, "two\nlines.txt": text, "cr\rname.txt": text})
    expected["percent-names"]["bagit_python"] = False
    bag("sha512-and-sha1", True, algorithms=("sha1", "sha512"), tag_algorithms=("sha512", "md5"))
    bag("no-tag-manifest", True, tag_algorithms=())
    bag("nested-folders", True, payload={"scans/2024/q1/p-001.tif": scan, "scans/2024/q1/p-002.tif": scan[:999]})
    # Valid, with warnings.
    bag("md5-only", True, warnings=1, algorithms=("md5",), tag_algorithms=("md5",))
    bag("case-only-duplicates", True, warnings=1, payload={"Readme.txt": text, "README.txt": text + b"!"})
    nfc = unicodedata.normalize("NFC", "Hồ sơ.txt")
    nfd = unicodedata.normalize("NFD", "Hồ sơ.txt")
    # Refused: kho (as Swift, and macOS) cannot keep apart names that differ only in normalisation;
    # bagit-python, which normalises them, finds a checksum mismatch.
    bag("normalisation-duplicates", False, payload={nfc: text, nfd: text + b"!"})
    # Not valid.
    bag("holey", False, complete=False, fetch=["https://example.org/scan-002.tif 10240 data/scan-002.tif"],
        extra_manifest_lines=[f"{digest(scan, 'sha256')}  data/scan-002.tif"])
    bag("bom-in-declaration", False, declaration_bom=True)
    bag("no-declaration", False, declaration=False)
    bag("path-outside", False, extra_manifest_lines=[f"{digest(text, 'sha256')}  data/../../etc/passwd"])
    bag("listed-not-present", False, extra_manifest_lines=[f"{digest(text, 'sha256')}  data/gone.txt"])

    def add_unlisted(path):
        with open(os.path.join(path, "data", "extra.txt"), "wb") as f:
            f.write(b"not in any manifest")

    bag("present-not-listed", False, tamper=add_unlisted, info={"oxum": f"{len(scan) + len(text) + 19}.3"})

    def flip(path):
        with open(os.path.join(path, "data", "scan-001.tif"), "r+b") as f:
            f.seek(100)
            f.write(b"\xff")

    bag("checksum-mismatch", False, tamper=flip)
    bag("oxum-mismatch", False, info={"oxum": "1.1"})

    def edit_info(path):
        with open(os.path.join(path, "bag-info.txt"), "ab") as f:
            f.write(b"Contact-Name: changed after the tag manifest\n")

    bag("tag-manifest-mismatch", False, tamper=edit_info)
    with open(os.path.join(root, "expected.json"), "w") as f:
        json.dump(expected, f, indent=2, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    main()
