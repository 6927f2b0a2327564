#!/usr/bin/env python3
"""Writes scan-200ppi-objstm.pdf: a one-page PDF 1.5 scan (a 1700 x 2200 image on a US Letter page,
200 ppi) whose catalog, page tree and page live in a compressed object stream, with a cross-reference
stream, as modern scanning software writes them.  python3 make-objstm-pdf.py OUT.pdf"""
import sys
import zlib

out = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
offsets = {}


def obj(number, body, stream=None):
    offsets[number] = len(out)
    out.extend(f"{number} 0 obj\n".encode())
    if stream is None:
        out.extend(body + b"\nendobj\n")
    else:
        out.extend(body + b"\nstream\n" + stream + b"\nendstream\nendobj\n")


image = zlib.compress(bytes(1700 // 8 * 2200))
obj(4, b"<</Type/XObject/Subtype/Image/Width 1700/Height 2200/ColorSpace/DeviceGray/BitsPerComponent 1"
       b"/Filter/FlateDecode/Length %d>>" % len(image), image)
content = b"q 612 0 0 792 0 0 cm /Im1 Do Q"
obj(5, b"<</Length %d>>" % len(content), content)
inner = [
    b"<</Type/Catalog/Pages 2 0 R>>",
    b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
    b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]/Resources<</XObject<</Im1 4 0 R>>>>/Contents 5 0 R>>",
]
header, body, position = b"", b"", 0
for index, text in enumerate(inner):
    header += b"%d %d " % (index + 1, position)
    body += text + b" "
    position += len(text) + 1
packed = zlib.compress(header + body)
obj(6, b"<</Type/ObjStm/N 3/First %d/Filter/FlateDecode/Length %d>>" % (len(header), len(packed)), packed)
# The cross-reference stream: type 1 (offset) for 4, 5, 6, 7; type 2 (in stream 6) for 1, 2, 3.
xref_at = len(out)
rows = [bytes([0]) + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
rows += [bytes([2]) + (6).to_bytes(4, "big") + i.to_bytes(2, "big") for i in range(3)]
rows += [bytes([1]) + offsets[n].to_bytes(4, "big") + (0).to_bytes(2, "big") for n in (4, 5, 6)]
rows += [bytes([1]) + xref_at.to_bytes(4, "big") + (0).to_bytes(2, "big")]
data = zlib.compress(b"".join(rows))
obj(7, b"<</Type/XRef/Size 8/W[1 4 2]/Root 1 0 R/Filter/FlateDecode/Length %d>>" % len(data), data)
out.extend(b"startxref\n%d\n%%%%EOF\n" % xref_at)
open(sys.argv[1], "wb").write(out)
