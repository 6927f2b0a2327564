#!/usr/bin/env python3
"""Makes a corpus of EPUB 2 and EPUB 3 books built to the specifications, each using a feature that
published books use and that stamping must keep working: a package document written with a
namespace prefix, fixed layout, right-to-left page progression, vertical writing, an SVG spine
item, media overlays, an obfuscated font, an EPUB 2 NCX and guide, a nav document in a subfolder,
ids that collide with the ones kho would choose. Each passes EPUBCheck 4.2 as made.

    scripts/make-epub-corpus.py DIR [AUDIO.mp3]

Needs only Python's standard library. AUDIO is the clip the media-overlay book reads (any MP3).
"""
import hashlib
import os
import sys
import zipfile

CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
  <rootfiles><rootfile full-path="{opf}" media-type="application/oebps-package+xml"/></rootfiles>
</container>
"""

MODIFIED = "2026-01-01T00:00:00Z"


def xhtml(title, body, lang="vi", head="", attributes=""):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html>
<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops" lang="{lang}" xml:lang="{lang}"{attributes}>
<head><meta charset="UTF-8"/><title>{title}</title>{head}</head>
<body>{body}</body>
</html>
"""


def nav(entries, lang="vi"):
    items = "".join(f'<li><a href="{href}">{label}</a></li>' for href, label in entries)
    return xhtml("Mục lục", f'<nav epub:type="toc" id="toc"><h1>Mục lục</h1><ol>{items}</ol></nav>', lang)


def opf3(identifier, title, lang, manifest, spine, metadata="", package_attributes="", spine_attributes=""):
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="uid"{package_attributes}>
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">
    <dc:identifier id="uid">{identifier}</dc:identifier>
    <dc:title>{title}</dc:title>
    <dc:language>{lang}</dc:language>
    <meta property="dcterms:modified">{MODIFIED}</meta>{metadata}
  </metadata>
  <manifest>
{manifest}
  </manifest>
  <spine{spine_attributes}>
{spine}
  </spine>
</package>
"""


def write(path, files):
    """files: [(name, bytes or str)], mimetype first and stored."""
    with zipfile.ZipFile(path, "w") as epub:
        epub.writestr(zipfile.ZipInfo("mimetype"), "application/epub+zip", compress_type=zipfile.ZIP_STORED)
        for name, data in files:
            epub.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)


def simple3(path, *, identifier, title="Sổ tay quyền trẻ em", lang="vi", chapters=None, folder="OEBPS",
            nav_name="nav.xhtml", extra_manifest="", extra_files=(), metadata="", package_attributes="",
            spine_attributes="", itemref_attributes="", chapter_head="", chapter_attributes=""):
    chapters = chapters or [("Chương 1", "<h1>Chương 1</h1><p>Mọi trẻ em đều có quyền được bảo vệ.</p>")]
    manifest = [f'    <item id="nav" href="{nav_name}" media-type="application/xhtml+xml" properties="nav"/>']
    spine = []
    files = [("META-INF/container.xml", CONTAINER.format(opf=f"{folder}/content.opf"))]
    entries = []
    nav_depth = nav_name.count("/")
    for number, (heading, body) in enumerate(chapters, 1):
        name = f"chapter-{number}.xhtml"
        manifest.append(f'    <item id="c{number}" href="{name}" media-type="application/xhtml+xml"/>')
        spine.append(f'    <itemref idref="c{number}"{itemref_attributes}/>')
        files.append((f"{folder}/{name}", xhtml(heading, body, lang, chapter_head, chapter_attributes)))
        entries.append(("../" * nav_depth + name, heading))
    files.append((f"{folder}/{nav_name}", nav(entries, lang)))
    files.append((f"{folder}/content.opf", opf3(identifier, title, lang, "\n".join(manifest) + extra_manifest,
                                               "\n".join(spine), metadata, package_attributes, spine_attributes)))
    write(path, files + list(extra_files))


def main():
    root = sys.argv[1]
    audio = open(sys.argv[2], "rb").read() if len(sys.argv) > 2 else None
    os.makedirs(root, exist_ok=True)

    # 1. A plain EPUB 3, for reference.
    simple3(f"{root}/epub3-plain.epub", identifier="urn:uuid:8b0c3a1e-0001-4000-8000-000000000001")

    # 2. A package document written with the opf: prefix (as some converters write it).
    prefixed = f"""<?xml version="1.0" encoding="UTF-8"?>
<opf:package xmlns:opf="http://www.idpf.org/2007/opf" xmlns:dc="http://purl.org/dc/elements/1.1/" version="3.0" unique-identifier="uid">
  <opf:metadata>
    <dc:identifier id="uid">urn:uuid:8b0c3a1e-0002-4000-8000-000000000002</dc:identifier>
    <dc:title>Quyền con người</dc:title>
    <dc:language>vi</dc:language>
    <opf:meta property="dcterms:modified">{MODIFIED}</opf:meta>
  </opf:metadata>
  <opf:manifest>
    <opf:item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>
    <opf:item id="c1" href="chapter-1.xhtml" media-type="application/xhtml+xml"/>
  </opf:manifest>
  <opf:spine>
    <opf:itemref idref="c1"/>
  </opf:spine>
</opf:package>
"""
    write(f"{root}/epub3-prefixed-opf.epub", [
        ("META-INF/container.xml", CONTAINER.format(opf="OEBPS/content.opf")),
        ("OEBPS/content.opf", prefixed),
        ("OEBPS/nav.xhtml", nav([("chapter-1.xhtml", "Chương 1")])),
        ("OEBPS/chapter-1.xhtml", xhtml("Chương 1", "<h1>Chương 1</h1><p>Quyền con người.</p>")),
    ])

    # 3. Fixed layout (pre-paginated), every page with its viewport.
    simple3(f"{root}/epub3-fixed-layout.epub", identifier="urn:uuid:8b0c3a1e-0003-4000-8000-000000000003",
            title="Tranh cổ động", metadata='\n    <meta property="rendition:layout">pre-paginated</meta>',
            chapter_head='<meta name="viewport" content="width=600, height=800"/>',
            chapters=[("Trang 1", '<div style="width:600px;height:800px"><h1>Tranh cổ động</h1></div>'),
                      ("Trang 2", '<div style="width:600px;height:800px"><p>Quyền trẻ em.</p></div>')])

    # 4. Right-to-left page progression (Arabic).
    simple3(f"{root}/epub3-rtl.epub", identifier="urn:uuid:8b0c3a1e-0004-4000-8000-000000000004",
            title="حقوق الإنسان", lang="ar", spine_attributes=' page-progression-direction="rtl"',
            chapter_attributes=' dir="rtl"',
            chapters=[("الفصل ١", "<h1>الفصل ١</h1><p>يولد جميع الناس أحرارا.</p>")])

    # 5. Vertical writing (Japanese), right to left.
    simple3(f"{root}/epub3-vertical.epub", identifier="urn:uuid:8b0c3a1e-0005-4000-8000-000000000005",
            title="人権", lang="ja", spine_attributes=' page-progression-direction="rtl"',
            chapter_head="<style>html { writing-mode: vertical-rl; -epub-writing-mode: vertical-rl; }</style>",
            chapters=[("第一章", "<h1>第一章</h1><p>すべての人間は、生まれながらにして自由である。</p>")])

    # 6. An SVG spine item (a cover page drawn in SVG).
    svg = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" version="1.1" viewBox="0 0 600 800" width="600" height="800">
  <title>Bìa</title><rect width="600" height="800" fill="#c00"/><text x="300" y="400" text-anchor="middle" font-size="48" fill="#fff">Quyền con người</text>
</svg>
"""
    simple3(f"{root}/epub3-svg-spine.epub", identifier="urn:uuid:8b0c3a1e-0006-4000-8000-000000000006",
            extra_manifest='\n    <item id="cover" href="cover.svg" media-type="image/svg+xml"/>',
            extra_files=[("OEBPS/cover.svg", svg)])
    # The SVG page goes first in the spine.
    rewrite_spine(f"{root}/epub3-svg-spine.epub", "OEBPS/content.opf", '    <itemref idref="cover"/>\n')

    # 7. Media overlays: the chapter read aloud.
    if audio:
        smil = """<?xml version="1.0" encoding="UTF-8"?>
<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops" version="3.0">
  <body><seq id="s1" epub:textref="chapter-1.xhtml#t1"><par id="p1"><text src="chapter-1.xhtml#t1"/><audio src="audio.mp3" clipBegin="0s" clipEnd="1s"/></par></seq></body>
</smil>
"""
        simple3(f"{root}/epub3-media-overlay.epub", identifier="urn:uuid:8b0c3a1e-0007-4000-8000-000000000007",
                chapters=[("Chương 1", '<h1>Chương 1</h1><p id="t1">Mọi trẻ em đều có quyền được bảo vệ.</p>')],
                metadata='\n    <meta property="media:duration" refines="#mo1">0:00:01</meta>'
                         '\n    <meta property="media:duration">0:00:01</meta>'
                         '\n    <meta property="media:active-class">-epub-media-overlay-active</meta>',
                extra_manifest='\n    <item id="mo1" href="chapter-1.smil" media-type="application/smil+xml"/>'
                               '\n    <item id="audio" href="audio.mp3" media-type="audio/mpeg"/>',
                extra_files=[("OEBPS/chapter-1.smil", smil), ("OEBPS/audio.mp3", audio)])
        add_overlay_attribute(f"{root}/epub3-media-overlay.epub", "OEBPS/content.opf")

    # 8. An obfuscated font (IDPF font obfuscation: not DRM; readers de-obfuscate with the identifier).
    identifier = "urn:uuid:8b0c3a1e-0008-4000-8000-000000000008"
    font = b"\x00\x01\x00\x00" + bytes((i * 7) % 251 for i in range(4000))
    key = hashlib.sha1("".join(identifier.split()).encode()).digest()
    obfuscated = bytes(b ^ key[i % 20] if i < 1040 else b for i, b in enumerate(font))
    encryption = """<?xml version="1.0" encoding="UTF-8"?>
<encryption xmlns="urn:oasis:names:tc:opendocument:xmlns:container" xmlns:enc="http://www.w3.org/2001/04/xmlenc#">
  <enc:EncryptedData><enc:EncryptionMethod Algorithm="http://www.idpf.org/2008/embedding"/>
    <enc:CipherData><enc:CipherReference URI="OEBPS/font.ttf"/></enc:CipherData></enc:EncryptedData>
</encryption>
"""
    simple3(f"{root}/epub3-obfuscated-font.epub", identifier=identifier,
            chapter_head='<style>@font-face { font-family: "Kho"; src: url(font.ttf); } body { font-family: "Kho", serif; }</style>',
            extra_manifest='\n    <item id="font" href="font.ttf" media-type="application/vnd.ms-opentype"/>',
            extra_files=[("META-INF/encryption.xml", encryption), ("OEBPS/font.ttf", obfuscated)])

    # 9. The nav document in a subfolder, and ids kho would choose already taken.
    simple3(f"{root}/epub3-nav-subfolder.epub", identifier="urn:uuid:8b0c3a1e-0009-4000-8000-000000000009",
            nav_name="toc/nav.xhtml",
            extra_manifest='\n    <item id="kho-qr-page" href="notes.xhtml" media-type="application/xhtml+xml"/>',
            extra_files=[("OEBPS/notes.xhtml", xhtml("Ghi chú", "<p>Ghi chú.</p>"))])
    rewrite_spine(f"{root}/epub3-nav-subfolder.epub", "OEBPS/content.opf", "", after='    <itemref idref="kho-qr-page"/>\n')

    # 10. EPUB 2: an NCX and a guide, the package at the container's root.
    ncx = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE ncx PUBLIC "-//NISO//DTD ncx 2005-1//EN" "http://www.daisy.org/z3986/2005/ncx-2005-1.dtd">
<ncx xmlns="http://www.daisy.org/z3986/2005/ncx/" version="2005-1">
  <head><meta name="dtb:uid" content="urn:uuid:8b0c3a1e-0010-4000-8000-000000000010"/><meta name="dtb:depth" content="1"/>
    <meta name="dtb:totalPageCount" content="0"/><meta name="dtb:maxPageNumber" content="0"/></head>
  <docTitle><text>Sổ tay</text></docTitle>
  <navMap><navPoint id="n1" playOrder="1"><navLabel><text>Chương 1</text></navLabel><content src="chapter-1.html"/></navPoint></navMap>
</ncx>
"""
    opf2 = """<?xml version="1.0" encoding="UTF-8"?>
<package xmlns="http://www.idpf.org/2007/opf" version="2.0" unique-identifier="uid">
  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:opf="http://www.idpf.org/2007/opf">
    <dc:identifier id="uid" opf:scheme="UUID">urn:uuid:8b0c3a1e-0010-4000-8000-000000000010</dc:identifier>
    <dc:title>Sổ tay</dc:title><dc:language>vi</dc:language>
  </metadata>
  <manifest>
    <item id="ncx" href="toc.ncx" media-type="application/x-dtbncx+xml"/>
    <item id="c1" href="chapter-1.html" media-type="application/xhtml+xml"/>
  </manifest>
  <spine toc="ncx"><itemref idref="c1"/></spine>
  <guide><reference type="text" title="Bắt đầu" href="chapter-1.html"/></guide>
</package>
"""
    chapter2 = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">
<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="vi"><head><title>Chương 1</title></head>
<body><h1>Chương 1</h1><p>Quyền trẻ em.</p></body></html>
"""
    write(f"{root}/epub2-ncx-guide.epub", [
        ("META-INF/container.xml", CONTAINER.format(opf="content.opf")),
        ("content.opf", opf2), ("toc.ncx", ncx), ("chapter-1.html", chapter2),
    ])


def rewrite(path, name, change):
    with zipfile.ZipFile(path) as epub:
        entries = [(info, epub.read(info.filename)) for info in epub.infolist()]
    with zipfile.ZipFile(path, "w") as epub:
        for info, data in entries:
            if info.filename == name:
                data = change(data.decode()).encode()
            epub.writestr(info, data, compress_type=info.compress_type)


def rewrite_spine(path, name, before, after=""):
    def change(text):
        start = text.index("<spine")
        start = text.index(">", start) + 1
        text = text[:start] + "\n" + before + text[start:]
        return text.replace("  </spine>", after + "  </spine>")
    rewrite(path, name, change)


def add_overlay_attribute(path, name):
    rewrite(path, name, lambda text: text.replace(
        'href="chapter-1.xhtml" media-type="application/xhtml+xml"',
        'href="chapter-1.xhtml" media-type="application/xhtml+xml" media-overlay="mo1"'))


if __name__ == "__main__":
    main()
