import Foundation
import KhoCore

/// The frame of every page: Vietnamese first, one small stylesheet, no JavaScript.
enum Layout {
    /// Bumped when the stylesheet changes, so that a cached copy is never stale.
    static let styleVersion = "4"

    static func page(
        title: String, body: HTML, canonical: String? = nil, lang: String = "vi", description: String? = nil
    ) -> HTML {
        let canonicalLink: HTML? = canonical.map { "<link rel=\"canonical\" href=\"\($0)\">" }
        let meta: HTML? = description.map { "<meta name=\"description\" content=\"\($0)\">" }
        return """
            <!DOCTYPE html>
            <html lang="\(lang)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title)</title>
            \(meta)\(canonicalLink)
            <link rel="stylesheet" href="/static/kho.css?v=\(styleVersion)">
            </head>
            <body>
            <header class="site"><a href="/" class="brand">kho</a>
            <nav aria-label="Điều hướng chính"><a href="/catalogue">Danh mục</a> <a href="/dashboard">Tiến độ</a></nav></header>
            <main id="main">
            \(body)
            </main>
            <footer class="site"><p>Kho sản phẩm truyền thông về quyền con người · <a href="/api/v1/openapi.json">API</a> · <a href="/oai?verb=Identify">OAI-PMH</a></p></footer>
            </body>
            </html>

            """
    }

    /// A page that says something went wrong, with what to do.
    static func message(title: String, text: String, hint: HTML? = nil) -> HTML {
        page(title: title, body: "<h1>\(title)</h1>\n<p>\(text)</p>\n\(hint)\n<p><a href=\"/catalogue\">Tìm trong danh mục</a></p>")
    }

    static let stylesheet = """
        :root { color-scheme: light; --ink: #1d2329; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; --ok: #1a7f37; --bad: #b42318; }
        * { box-sizing: border-box; }
        body { margin: 0; font-family: "Noto Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); line-height: 1.5; background: #fff; }
        a { color: var(--accent); }
        header.site, footer.site, main { max-width: 60rem; margin: 0 auto; padding: .75rem 1rem; }
        header.site { display: flex; gap: 1rem; align-items: baseline; justify-content: space-between; border-bottom: 1px solid var(--line); }
        header.site nav a { margin-left: .75rem; }
        .brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: var(--ink); }
        footer.site { color: var(--muted); font-size: .85rem; border-top: 1px solid var(--line); margin-top: 2rem; }
        h1 { font-size: 1.45rem; line-height: 1.25; margin: .5rem 0 1rem; overflow-wrap: anywhere; }
        h2 { font-size: 1.1rem; margin-top: 1.75rem; border-bottom: 1px solid var(--line); }
        dl.facts { display: grid; grid-template-columns: minmax(7rem, max-content) 1fr; gap: .3rem 1rem; margin: 0; }
        dl.facts dt { color: var(--muted); } dl.facts dd { margin: 0; overflow-wrap: anywhere; }
        .actions { display: flex; flex-wrap: wrap; gap: .6rem; margin: 1rem 0; }
        .button { display: inline-block; padding: .6rem 1rem; border-radius: 6px; background: var(--accent); color: #fff; text-decoration: none; font-weight: 600; }
        .button.secondary { background: #eef2f6; color: var(--ink); border: 1px solid var(--line); }
        audio, video { width: 100%; max-width: 40rem; margin: .5rem 0; }
        .qr { max-width: 11rem; } .qr img { width: 100%; height: auto; display: block; }
        .description { white-space: pre-line; }
        .muted { color: var(--muted); font-size: .9rem; }
        form.search { display: grid; gap: .5rem; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr)); align-items: end; margin-bottom: 1rem; }
        form.search label { display: grid; min-width: 0; font-size: .85rem; color: var(--muted); }
        form.search input, form.search select { font: inherit; width: 100%; min-width: 0; padding: .45rem; border: 1px solid #8c959f; border-radius: 4px; background: #fff; color: var(--ink); }
        form.search button { font: inherit; padding: .5rem 1rem; border: 0; border-radius: 6px; background: var(--accent); color: #fff; font-weight: 600; }
        ol.results { list-style: none; padding: 0; } ol.results li { padding: .6rem 0; border-bottom: 1px solid #e5e9ee; }
        ol.results .title { font-weight: 600; }
        nav.pager { display: flex; justify-content: space-between; margin: 1rem 0; }
        table { border-collapse: collapse; width: 100%; font-size: .92rem; } th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid #e5e9ee; vertical-align: top; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; }
        .scroll { overflow-x: auto; }
        .figure { font-size: 1.6rem; font-weight: 700; } .cards { display: grid; gap: .75rem; grid-template-columns: repeat(auto-fit, minmax(13rem, 1fr)); }
        .card { border: 1px solid var(--line); border-radius: 8px; padding: .75rem 1rem; } .card h2 { margin-top: 0; } .card .figure { margin: .25rem 0; }
        .within { color: var(--ok); } .below { color: var(--bad); } .above { color: var(--accent); }
        svg.chart { width: 100%; height: auto; max-width: 30rem; font-size: 12px; }
        .band { fill: #dafbe1; } .bar { fill: #8c959f; } .bar.within { fill: #1a7f37; } .bar.below { fill: #cf222e; } .bar.above { fill: #0969da; }
        .label, .value, .axis { fill: #1d2329; } .axis { font-size: 10px; }
        .reader header { display: flex; flex-wrap: wrap; gap: .5rem; justify-content: space-between; align-items: center; }
        .reader iframe { width: 100%; height: 75vh; border: 1px solid var(--line); border-radius: 6px; background: #fff; }
        ol.toc li { margin: .25rem 0; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .25rem; }
        """
}
