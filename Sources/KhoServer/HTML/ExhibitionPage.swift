import Foundation
import KhoCore
import KhoImages

/// Where an exhibition page's links lead: the server's routes, or a static export's files.
public struct ExhibitionLinks: Sendable {
    /// The page in another of the exhibition's languages.
    public var page: @Sendable (_ language: String) -> String
    /// A web-sized image of a stored object.
    public var image: @Sendable (_ sha256: String, _ width: Int, _ format: WebImageFormat) -> String
    /// A stored audio or video file, played in the page (nil: not offered).
    public var media: @Sendable (_ product: Product, _ file: StoredFile) -> String?
    /// A product's own page (nil: none, as in an export without a base URL).
    public var product: @Sendable (_ id: ProductID) -> String?
    public var stylesheet: String
    public var script: String
    /// The exhibition's online address, shown by an export (nil on the server itself).
    public var online: String?
    /// The site's header (the server's pages have one; an export does not).
    public var siteHeader: Bool

    public init(
        page: @escaping @Sendable (String) -> String, image: @escaping @Sendable (String, Int, WebImageFormat) -> String,
        media: @escaping @Sendable (Product, StoredFile) -> String?, product: @escaping @Sendable (ProductID) -> String?,
        stylesheet: String, script: String, online: String?, siteHeader: Bool
    ) {
        self.page = page
        self.image = image
        self.media = media
        self.product = product
        self.stylesheet = stylesheet
        self.script = script
        self.online = online
        self.siteHeader = siteHeader
    }
}

/// What an item shows.
public enum ExhibitionVisual: Sendable {
    /// A web-sized image of this object (a photo, a poster, a document's first page).
    case image(StoredFile)
    case video(StoredFile)
    case audio(StoredFile)
    /// Nothing to show in the page (a text, an e-book, a product not digitised): a card.
    case card

    var isAudio: Bool {
        if case .audio = self { return true }
        return false
    }

    /// What to show of a product: its access copy or master when libvips can make an image of
    /// it, or when a browser can play it.
    public static func of(_ product: Product) -> ExhibitionVisual {
        let files = product.files.filter { $0.role == .access } + product.files.filter { $0.role == .master }
            + product.files.filter { $0.role == .derivative }
        if let file = files.first(where: { $0.object.mime.hasPrefix("image/") && DerivativeCache.canDerive(mime: $0.object.mime) }) {
            return .image(file)
        }
        if let file = files.first(where: { $0.object.mime.hasPrefix("video/") }) { return .video(file) }
        if let file = files.first(where: { $0.object.mime.hasPrefix("audio/") }) { return .audio(file) }
        if let file = files.first(where: { $0.object.mime == "application/pdf" }) { return .image(file) }
        return .card
    }
}

/// An exhibition as a page a visitor walks through: its items one at a time, swiped on a phone
/// (CSS scroll snapping, no script needed), stepped with the arrow keys (a small script), with
/// captions as alt text, in each of the exhibition's languages. The same page serves `/x/<id>`
/// and a static export.
public enum ExhibitionPage {
    /// The words of the page's frame, in Vietnamese or English: Vietnamese for Vietnamese and
    /// Viet Nam's ethnic languages, English for foreign ones.
    struct Words {
        let previous, next, of, items, itemsLabel, languages, product, online, inPerson, abroad, noVisual, skip,
            keyboard, until, since, exhibition: String

        static let vi = Words(
            previous: "Trước", next: "Tiếp", of: "/", items: "Các hiện vật", itemsLabel: "Danh sách hiện vật",
            languages: "Ngôn ngữ", product: "Xem thông tin sản phẩm", online: "Xem triển lãm trực tuyến",
            inPerson: "Trưng bày tại", abroad: "Tổ chức ở nước ngoài", noVisual: "Sản phẩm này không có hình ảnh để trưng bày.",
            skip: "Bỏ qua, tới hiện vật đầu tiên", keyboard: "Vuốt sang trái, phải hoặc dùng phím mũi tên để xem tiếp.",
            until: "đến", since: "Trực tuyến từ", exhibition: "Triển lãm")
        static let en = Words(
            previous: "Previous", next: "Next", of: "of", items: "Exhibits", itemsLabel: "List of exhibits",
            languages: "Languages", product: "About this item", online: "See the exhibition online",
            inPerson: "On show at", abroad: "Held abroad", noVisual: "This item has no image to show.",
            skip: "Skip to the first exhibit", keyboard: "Swipe left or right, or use the arrow keys, to move on.",
            until: "to", since: "Online since", exhibition: "Exhibition")

        static func `for`(_ language: String, _ vocabulary: Vocabulary) -> Words {
            guard language != "vi" else { return .vi }
            return vocabulary.languageEntry(language)?.role == .foreign ? .en : .vi
        }
    }

    /// A language's name for the switch: its Vietnamese name on a Vietnamese page, else its English name.
    static func languageName(_ code: String, on page: String, _ vocabulary: Vocabulary) -> String {
        if code == "vi" { return "Tiếng Việt" }
        if code == "en" { return "English" }
        guard let entry = vocabulary.languageEntry(code) else { return code }
        return Words.for(page, vocabulary).previous == Words.vi.previous ? entry.labelVi : entry.label
    }

    public static func render(
        _ view: ExhibitionView, language requested: String?, vocabulary: Vocabulary, links: ExhibitionLinks
    ) -> HTML {
        let exhibition = view.exhibition
        let language = requested.flatMap { exhibition.languages.contains($0) ? $0 : nil } ?? exhibition.languages.first ?? "vi"
        let words = Words.for(language, vocabulary)
        let title = exhibition.text(exhibition.title, in: language) ?? exhibition.mainTitle
        let items = view.shownItems
        let switcher: HTML? =
            exhibition.languages.count > 1
            ? """
            <nav class="languages" aria-label="\(words.languages)">\(HTML.join(exhibition.languages.map { code in
                code == language
                    ? "<span aria-current=\"page\" lang=\"\(code)\">\(languageName(code, on: code, vocabulary))</span>"
                    : "<a href=\"\(links.page(code))\" hreflang=\"\(code)\" lang=\"\(code)\">\(languageName(code, on: code, vocabulary))</a>"
            }, separator: " "))</nav>
            """ : nil
        let alternates = HTML.join(
            exhibition.languages.filter { $0 != language }.map { "<link rel=\"alternate\" hreflang=\"\($0)\" href=\"\(links.page($0))\">" })
        var facts: [HTML] = []
        if let venue = exhibition.venue ?? exhibition.opens.map({ _ in "" }) {
            var when = ""
            if let opens = exhibition.opens {
                when = Self.day(opens, language) + (exhibition.closes.map { " \(words.until) " + Self.day($0, language) } ?? "")
            }
            let place = placeName(exhibition, vocabulary, words: words)
            let parts = [venue, place, when].filter { !$0.isEmpty }.joined(separator: " · ")
            facts.append("<p class=\"muted\">\(words.inPerson): \(parts)</p>")
        } else if exhibition.province != nil || exhibition.country != nil {
            facts.append("<p class=\"muted\">\(placeName(exhibition, vocabulary, words: words))</p>")
        }
        if let online = links.online {
            facts.append("<p class=\"muted\">\(words.online): <a href=\"\(online)\">\(online)</a></p>")
        }
        let description: HTML? = exhibition.textAndLanguage(exhibition.description, in: language).map {
            "<p class=\"description\"\(Self.langAttribute($0.language, page: language))>\($0.text)</p>"
        }
        let slides = HTML.join(
            items.enumerated().map { index, entry in
                slide(entry.item, entry.product, index: index, count: items.count, language: language, exhibition: exhibition,
                    words: words, links: links)
            })
        let index = HTML.join(
            items.enumerated().map { index, entry in
                let caption = Self.caption(entry.item, entry.product, exhibition, language)
                return "<li><a href=\"#item-\(index + 1)\">\(caption)</a></li>"
            })
        let header: HTML? =
            links.siteHeader
            ? "<header class=\"site\"><a href=\"/\" class=\"brand\">kho</a><nav aria-label=\"Điều hướng chính\"><a href=\"/catalogue\">Danh mục</a> <a href=\"/dashboard\">Tiến độ</a></nav></header>"
            : nil
        return """
            <!DOCTYPE html>
            <html lang="\(language)">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(title) · \(words.exhibition)</title>
            <meta name="description" content="\(String((exhibition.text(exhibition.description, in: language) ?? title).prefix(200)))">
            \(alternates)
            <link rel="stylesheet" href="\(links.stylesheet)">
            <script src="\(links.script)" defer></script>
            </head>
            <body class="exhibition">
            <a class="skip" href="#item-1">\(words.skip)</a>
            \(header)
            <main id="main">
            <header class="exhibition-head">
            \(switcher)
            <h1>\(title)</h1>
            \(description)
            \(facts)
            </header>
            <section class="slides" id="slides" tabindex="0" aria-label="\(words.items)">
            \(slides)
            </section>
            <p class="muted hint">\(words.keyboard)</p>
            <p class="status" aria-live="polite" id="status"></p>
            <nav aria-label="\(words.itemsLabel)"><h2>\(words.itemsLabel)</h2><ol class="index">\(index)</ol></nav>
            </main>
            </body>
            </html>

            """
    }

    static func caption(_ item: ExhibitionItem, _ product: Product, _ exhibition: Exhibition, _ language: String) -> String {
        exhibition.text(item.caption, in: language) ?? product.metadata.title
    }

    /// ` lang="xx"` when a text is not in the page's language (a fallback to the main language).
    static func langAttribute(_ code: String?, page: String) -> HTML {
        guard let code, code != page else { return "" }
        return " lang=\"\(code)\""
    }

    static func slide(
        _ item: ExhibitionItem, _ product: Product, index: Int, count: Int, language: String, exhibition: Exhibition,
        words: Words, links: ExhibitionLinks
    ) -> HTML {
        let caption = Self.caption(item, product, exhibition, language)
        let visual: HTML
        let shown = ExhibitionVisual.of(product)
        switch shown {
        case .image(let file):
            let sha = file.object.sha256
            let sources = HTML.join(
                [WebImageFormat.webp].map { format in
                    let set = DerivativeCache.widths.map { "\(links.image(sha, $0, format)) \($0)w" }.joined(separator: ", ")
                    return "<source type=\"\(format.mime)\" srcset=\"\(set)\" sizes=\"(max-width: 64rem) 100vw, 64rem\">"
                })
            let jpegs = DerivativeCache.widths.map { "\(links.image(sha, $0, .jpeg)) \($0)w" }.joined(separator: ", ")
            let loading = index == 0 ? "eager" : "lazy"
            visual = """
                <picture>\(sources)<img src="\(links.image(sha, 960, .jpeg))" srcset="\(jpegs)" \
                sizes="(max-width: 64rem) 100vw, 64rem" alt="\(caption)" loading="\(loading)" decoding="async"></picture>
                """
        case .video(let file):
            if let url = links.media(product, file) {
                visual = "<video controls preload=\"metadata\" src=\"\(url)\" aria-label=\"\(caption)\"></video>"
            } else {
                visual = "<p class=\"novisual\">\(words.noVisual)</p>"
            }
        case .audio(let file):
            if let url = links.media(product, file) {
                visual = "<audio controls preload=\"metadata\" src=\"\(url)\" aria-label=\"\(caption)\"></audio>"
            } else {
                visual = "<p class=\"novisual\">\(words.noVisual)</p>"
            }
        case .card:
            visual = "<p class=\"novisual\">\(words.noVisual)</p>"
        }
        var credit = [product.metadata.agency, product.metadata.published.map { String($0.year) }].compactMap { $0 }
        if credit.isEmpty { credit = [product.metadata.title] }
        let more: HTML? = links.product(product.id).map { "<a href=\"\($0)\">\(words.product)</a>" }
        let previous: HTML =
            index > 0
            ? "<a href=\"#item-\(index)\" rel=\"prev\" data-step=\"-1\">← \(words.previous)</a>"
            : "<span aria-hidden=\"true\"></span>"
        let next: HTML =
            index + 1 < count
            ? "<a href=\"#item-\(index + 2)\" rel=\"next\" data-step=\"1\">\(words.next) →</a>"
            : "<span aria-hidden=\"true\"></span>"
        return """
            <figure class="slide" id="item-\(index + 1)" aria-label="\(index + 1) \(words.of) \(count)">
            <div class="visual\(HTML.trusted(shown.isAudio ? " sound" : ""))">\(visual)</div>
            <figcaption><p class="caption"\(Self.langAttribute(exhibition.textAndLanguage(item.caption, in: language)?.language ?? product.metadata.languages.first?.code, page: language))>\(caption)</p><p class="muted">\(credit.joined(separator: " · "))\(more.map { _ in " · " } ?? "")\(more)</p></figcaption>
            <nav class="step" aria-label="\(index + 1) \(words.of) \(count)">\(previous)<span class="count">\(index + 1) \(words.of) \(count)</span>\(next)</nav>
            </figure>
            """
    }

    static func placeName(_ exhibition: Exhibition, _ vocabulary: Vocabulary, words: Words) -> String {
        if let province = exhibition.province {
            return vocabulary.currentUnit(of: province)?.name ?? vocabulary.unit(province)?.name ?? province.code
        }
        if let country = exhibition.country {
            let term = vocabulary.countries.first { $0.code == country }
            let name = words.previous == Words.vi.previous ? term?.labelVi : term?.label
            return "\(words.abroad): \(name ?? country.uppercased())"
        }
        return ""
    }

    static func day(_ date: PartialDate, _ language: String) -> String {
        language == "vi" ? Localizer.vietnamese.date(date) : date.description
    }

    /// The page's stylesheet: phone first, the item filling the screen's width.
    public static let stylesheet = """
        :root { color-scheme: light; --ink: #1d2329; --muted: #57606a; --line: #d0d7de; --accent: #0b5cad; }
        * { box-sizing: border-box; }
        body { margin: 0; font-family: "Noto Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); line-height: 1.5; background: #fff; }
        a { color: var(--accent); }
        a:focus-visible, .slides:focus-visible { outline: 3px solid #fb8500; outline-offset: 2px; }
        header.site, main { max-width: 64rem; margin: 0 auto; padding: .75rem 1rem; }
        header.site { display: flex; gap: 1rem; align-items: baseline; justify-content: space-between; border-bottom: 1px solid var(--line); }
        header.site nav a { margin-left: .75rem; }
        .brand { font-weight: 700; font-size: 1.2rem; text-decoration: none; color: var(--ink); }
        h1 { font-size: 1.5rem; line-height: 1.25; margin: .5rem 0; overflow-wrap: anywhere; }
        h2 { font-size: 1.05rem; margin-top: 1.5rem; border-bottom: 1px solid var(--line); }
        .muted { color: var(--muted); font-size: .92rem; margin: .25rem 0; }
        .description { white-space: pre-line; }
        nav.languages { display: flex; flex-wrap: wrap; gap: .4rem; margin-bottom: .5rem; }
        nav.languages a, nav.languages span { padding: .3rem .7rem; border: 1px solid var(--line); border-radius: 999px; text-decoration: none; font-size: .9rem; }
        nav.languages span { background: var(--ink); color: #fff; border-color: var(--ink); }
        .slides { display: flex; overflow-x: auto; scroll-snap-type: x mandatory; scroll-behavior: smooth; margin: 1rem -1rem 0; overscroll-behavior-x: contain; }
        .slide { flex: 0 0 100%; scroll-snap-align: center; margin: 0; padding: 0 1rem; display: flex; flex-direction: column; }
        .visual { height: min(52vh, 40rem); display: flex; align-items: center; justify-content: center; background: #0f1419; border-radius: 6px; overflow: hidden; }
        .visual picture { display: contents; }
        .visual img, .visual video { max-width: 100%; max-height: 100%; object-fit: contain; display: block; }
        .visual audio { width: 90%; }
        .visual.sound { flex-direction: column; gap: 1rem; }
        .visual.sound::before { content: "♪"; font-size: 4rem; color: #8c959f; line-height: 1; }
        .slides { scrollbar-width: thin; }
        .novisual { color: #e6edf3; padding: 1rem; text-align: center; }
        figcaption { padding: .5rem 0; }
        .caption { font-size: 1.05rem; margin: 0; white-space: pre-line; }
        nav.step { display: flex; justify-content: space-between; align-items: center; gap: .5rem; }
        nav.step a { display: inline-block; padding: .55rem 1rem; border-radius: 6px; background: #eef2f6; border: 1px solid var(--line); text-decoration: none; color: var(--ink); font-weight: 600; min-width: 6.5rem; text-align: center; }
        .count { color: var(--muted); font-variant-numeric: tabular-nums; }
        ol.index { padding-left: 1.5rem; } ol.index li { margin: .2rem 0; }
        .status { position: absolute; left: -9999px; }
        .skip { position: absolute; left: -999px; } .skip:focus { left: 1rem; top: .5rem; background: #fff; padding: .25rem; z-index: 2; }
        @media (min-width: 48rem) { h1 { font-size: 1.9rem; } .visual { height: min(72vh, 44rem); } }
        """

    /// The page's one script: the arrow keys, Home and End step through the items, the step links
    /// scroll instead of jumping, and the position is announced. Without it, swiping, scrolling
    /// and the links still work.
    public static let script = """
        (function () {
          "use strict";
          var strip = document.getElementById("slides");
          if (!strip) return;
          var slides = Array.prototype.slice.call(strip.querySelectorAll(".slide"));
          var status = document.getElementById("status");
          if (!slides.length) return;
          function current() {
            var middle = strip.scrollLeft + strip.clientWidth / 2, best = 0;
            slides.forEach(function (slide, index) {
              if (slide.offsetLeft - strip.offsetLeft <= middle) best = index;
            });
            return best;
          }
          function go(index, instant) {
            index = Math.max(0, Math.min(slides.length - 1, index));
            strip.scrollTo({ left: slides[index].offsetLeft - strip.offsetLeft, behavior: instant ? "instant" : "smooth" });
            if (history.replaceState) history.replaceState(null, "", "#item-" + (index + 1));
            if (status) status.textContent = slides[index].getAttribute("aria-label");
          }
          document.addEventListener("keydown", function (event) {
            var target = event.target;
            if (event.altKey || event.ctrlKey || event.metaKey) return;
            if (target && /^(INPUT|TEXTAREA|SELECT|VIDEO|AUDIO)$/.test(target.tagName)) return;
            var step = { ArrowRight: 1, ArrowLeft: -1, PageDown: 1, PageUp: -1 }[event.key];
            if (step) { event.preventDefault(); go(current() + step); }
            else if (event.key === "Home") { event.preventDefault(); go(0); }
            else if (event.key === "End") { event.preventDefault(); go(slides.length - 1); }
          });
          strip.addEventListener("click", function (event) {
            var link = event.target.closest && event.target.closest("a[data-step]");
            if (!link) return;
            event.preventDefault();
            go(current() + Number(link.getAttribute("data-step")));
          });
          var start = /^#item-(\\d+)$/.exec(location.hash);
          if (start) go(Number(start[1]) - 1, true);
        })();
        """
}
