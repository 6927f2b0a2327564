#!/usr/bin/env python3
"""Fills a kho catalogue with synthetic products, straight into SQLite, for the report benchmark.

The rows follow the catalogue's schema and rules (codes from catalogue-schema/vocabularies,
derived columns and the folded full-text index as kho writes them), so kho reads them as its own.
Usage: generate-catalogue.py CATALOGUE.sqlite PRODUCTS [ID_OFFSET [SEED]]
(ID_OFFSET shifts the generated ids, so that several catalogues, one per province, hold distinct
products; SEED varies their content.)
"""
import json, random, sqlite3, sys, unicodedata

path, count = sys.argv[1], int(sys.argv[2])
id_offset = int(sys.argv[3]) if len(sys.argv) > 3 else 0
rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 1079)
vocab = lambda name: json.load(open(f"catalogue-schema/vocabularies/{name}.json", encoding="utf-8"))
kinds = [k["code"] for k in vocab("kinds")["entries"]]
platforms = [p["code"] for p in vocab("platforms")["entries"]]
languages = {l["code"]: l["role"] for l in vocab("languages")["entries"]}
ethnic = [c for c, r in languages.items() if r == "ethnic"]
foreign = [c for c, r in languages.items() if r == "foreign"]
topics = [t["code"] for t in vocab("topics")["entries"]]
lines = [c["code"] for c in vocab("content-lines")["entries"]]
provinces = vocab("provinces")
units2022 = {u["code"]: u["successor"] for u in provinces["units2022"]}
codes2022 = list(units2022)
words = ("quyền trẻ em phụ nữ dân tộc thiểu số người khuyết tật lao động di cư tín ngưỡng tôn giáo phòng chống "
         "mua bán người hiến pháp bình đẳng giới giáo dục an sinh xã hội con người vùng cao đồng bào tuyên truyền "
         "pháp luật việc làm y tế cơ sở bảo vệ tiếp cận thông tin thành tựu nhân quyền Gia Lai Thanh Hóa").split()
agencies = ["Đài PT-TH Gia Lai", "Báo Nhân Dân", "Sở Thông tin và Truyền thông Thanh Hóa", "Nhà xuất bản Tư pháp",
            "Trung tâm Văn hóa tỉnh Lạng Sơn", "Ban Dân tộc tỉnh Bắc Giang", "Đài Tiếng nói Việt Nam", "Báo Quân đội nhân dân"]
alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

def fold(text):
    text = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in text if unicodedata.category(c) != "Mn").lower()

def ident(n):
    digits = []
    for _ in range(7):
        digits.append(alphabet[n % 32]); n //= 32
    return "1M7ZBENCH" + "".join(reversed(digits))

db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode = WAL")
db.execute("PRAGMA synchronous = OFF")
origin = db.execute("SELECT value FROM repository WHERE key = 'id'").fetchone()[0]
# Platform bits as kho assigns them: one per code, on first use.
bits = dict(db.execute("SELECT code, bit FROM platform_bit").fetchall())
for code in platforms:
    if code not in bits:
        bits[code] = max(bits.values(), default=-1) + 1
        db.execute("INSERT INTO platform_bit(code, bit) VALUES (?, ?)", (code, bits[code]))
products, langs, plats, tops, fts = [], [], [], [], []
def flush():
    db.executemany("""INSERT INTO product(seq, id, title, description, kind, content_line, agency, province, province_current,
        produced, published, published_first, funding, rights, origin_repository, ingest_key, created_at, updated_at,
        role_mask, platform_mask, file_count) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, NULL, ?, ?, 'state-budget', NULL, ?, NULL, ?, ?, ?, ?, 0)""", products)
    db.executemany("INSERT INTO product_language(product_id, position, code, role, role_override) VALUES (?, ?, ?, ?, 0)", langs)
    db.executemany("INSERT INTO product_platform(product_id, position, code) VALUES (?, ?, ?)", plats)
    db.executemany("INSERT INTO product_topic(product_id, position, code) VALUES (?, ?, ?)", tops)
    db.executemany("INSERT INTO product_fts(rowid, title, description, agency) VALUES (?, ?, '', ?)", fts)
    products.clear(); langs.clear(); plats.clear(); tops.clear(); fts.clear()

start = db.execute("SELECT coalesce(max(seq), 0) FROM product").fetchone()[0]
for n in range(count):
    seq = start + n + 1
    pid = ident(seq + id_offset)
    title = " ".join(rng.choice(words) for _ in range(rng.randint(4, 9))).capitalize()
    kind = rng.choice(kinds)
    agency = rng.choice(agencies)
    year = rng.choice([2023, 2024, 2025, 2026])
    published = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    code = rng.choice(codes2022)
    province, current = (f"{code}@2022", units2022[code]) if published < "2025-07-01" else (f"{units2022[code]}@2025", units2022[code])
    roll = rng.random()
    chosen = ["vi"] if roll < 0.80 else ["vi", rng.choice(ethnic)] if roll < 0.90 else [rng.choice(foreign)] if roll < 0.95 else [rng.choice(ethnic)]
    mask = 0
    for position, code in enumerate(chosen):
        role = languages[code]
        mask |= {"ethnic": 1, "foreign": 2, "national": 4}[role]
        langs.append((pid, position, code, role))
    chosen_platforms = rng.sample(platforms, rng.choice([1, 1, 1, 2]))
    for position, code in enumerate(chosen_platforms):
        plats.append((pid, position, code))
    tops.append((pid, 0, rng.choice(topics)))
    at = f"{year}-01-01T00:00:00Z"
    products.append((seq, pid, title, kind, rng.choice(lines), agency, province, current, published, published, origin, at, at,
                     mask, sum(1 << bits[c] for c in chosen_platforms)))
    fts.append((seq, fold(title), fold(agency)))
    if len(products) == 50_000:
        flush()
flush()
db.commit()
db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
db.execute("ANALYZE")
db.commit()
print(f"{count} products written")
