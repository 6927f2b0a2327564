"""Crafts hostile bundle archives around a good bag, one rule broken in each.

usage: craft-hostile.py BAG OUTDIR
BAG is a bag folder; each archive holds it under its own name, plus the one bad entry.
Names that Python's zipfile will not write (NUL, non-UTF-8 bytes) are patched in afterwards.
"""
import io
import os
import sys
import tarfile
import zipfile

bag, out = sys.argv[1], sys.argv[2]
top = os.path.basename(bag.rstrip("/"))
os.makedirs(out, exist_ok=True)


def each_file(add):
    for root, _, files in os.walk(bag):
        for name in sorted(files):
            path = os.path.join(root, name)
            add(path, os.path.join(top, os.path.relpath(path, bag)))


def zip_case(name, extra):
    path = os.path.join(out, name)
    with zipfile.ZipFile(path, "w") as archive:
        each_file(lambda source, arcname: archive.write(source, arcname))
        extra(archive)
    return path


def tar_case(name, extra, **options):
    with tarfile.open(os.path.join(out, name), "w", **options) as archive:
        each_file(lambda source, arcname: archive.add(source, arcname))
        extra(archive)


def tar_entry(name, data=b"", kind=tarfile.REGTYPE, link=""):
    info = tarfile.TarInfo(name)
    info.size, info.type, info.linkname = len(data), kind, link
    return info, io.BytesIO(data)


def patched_zip(name, placeholder, raw):
    path = zip_case(name, lambda archive: archive.writestr(f"{top}/data/{placeholder}", "x"))
    data = open(path, "rb").read().replace(placeholder.encode(), raw)
    open(path, "wb").write(data)


def symlink(archive):
    info = zipfile.ZipInfo(f"{top}/data/link")
    info.external_attr = 0o120777 << 16
    archive.writestr(info, "/etc/passwd")


def bomb(archive):
    archive.writestr(zipfile.ZipInfo(f"{top}/data/zeros"), b"\0" * (20 << 20), compress_type=zipfile.ZIP_DEFLATED)


def duplicate(archive):
    import warnings

    warnings.simplefilter("ignore")
    archive.writestr(f"{top}/data/records.jsonl", "{}")


zip_case("absolute.zip", lambda a: a.writestr("/etc/evil", "x"))
zip_case("dotdot.zip", lambda a: a.writestr(f"{top}/data/../../evil", "x"))
zip_case("backslash.zip", lambda a: a.writestr(f"{top}\\data\\evil", "x"))
zip_case("symlink.zip", symlink)
zip_case("duplicate.zip", duplicate)
zip_case("bomb.zip", bomb)
zip_case("two-folders.zip", lambda a: a.writestr("other/readme.txt", "x"))
zip_case("newline.zip", lambda a: a.writestr(f"{top}/data/a\nb", "x"))
patched_zip("nul.zip", "evQil", b"ev\x00il")
patched_zip("not-utf8.zip", "cafQQ", b"caf\xe9\xe9")
tar_case("symlink.tar", lambda a: a.addfile(*tar_entry(f"{top}/data/link", kind=tarfile.SYMTYPE, link="/etc/passwd")))
tar_case("hardlink.tar", lambda a: a.addfile(*tar_entry(f"{top}/data/hard", kind=tarfile.LNKTYPE, link=f"{top}/bagit.txt")))
tar_case("dotdot.tar", lambda a: a.addfile(*tar_entry(f"{top}/../evil", b"x")))
tar_case("fifo.tar", lambda a: a.addfile(*tar_entry(f"{top}/data/fifo", kind=tarfile.FIFOTYPE)))
tar_case("duplicate.tar", lambda a: a.addfile(*tar_entry(f"{top}/bagit.txt", b"BagIt-Version: 1.0\n")))
tar_case(
    "not-utf8.tar",
    lambda a: a.addfile(*tar_entry(f"{top}/data/caf\xe9", b"x")),
    format=tarfile.USTAR_FORMAT,
    encoding="latin-1",
)
