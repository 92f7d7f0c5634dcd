#include "formats/htmldocument.h"

#include <cmath>

namespace loupe {

namespace {

// Light, print-friendly and readable without any external font or script. Numbers use
// tabular figures so right-aligned columns line up digit by digit.
const char kStyleSheet[] = R"css(
:root { --text: #1f2328; --muted: #656d76; --line: #e4e7eb; --page: #f5f6f8; --accent: #2f5fb3;
        --good: #0a7a3c; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--page); color: var(--text);
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1160px; margin: 0 auto; padding: 28px 24px 48px; }
header h1 { font-size: 28px; margin: 0 0 4px; letter-spacing: -0.01em; }
header p { margin: 0; color: var(--muted); }
section { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 24px 22px;
          margin: 20px 0; }
h2 { font-size: 20px; margin: 0 0 12px; }
h3 { font-size: 15px; margin: 18px 0 8px; }
p { margin: 6px 0 12px; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-size: 13px; }
.diagnosis { font-size: 16px; border-left: 4px solid var(--accent); padding: 6px 12px; background: #f3f6fc;
             border-radius: 0 6px 6px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 18px 0 4px; }
.card { flex: 1 1 140px; background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 12px 16px; }
.card .v { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; }
.card .l { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: 0.04em; }
.scroll { overflow-x: auto; }
nav { margin: 14px 0 0; font-size: 14px; }
nav a { color: var(--accent); text-decoration: none; margin-right: 14px; white-space: nowrap; }
nav a:hover { text-decoration: underline; }
code { font: 13px ui-monospace, "DejaVu Sans Mono", monospace; background: #f0f2f5; padding: 1px 4px; border-radius: 4px;
       white-space: nowrap; }
.pair { display: flex; flex-wrap: wrap; gap: 20px; align-items: flex-start; margin: 20px 0; }
.pair > section { margin: 0; flex: 1 1 0; }
.pair > section:first-child { flex: 0 0 auto; }
.pair > section:first-child p { max-width: 380px; }
table { border-collapse: collapse; font-size: 14px; margin: 4px 0 8px; }
th, td { padding: 5px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { text-align: left; font-weight: 600; border-bottom: 2px solid #cfd4da; white-space: nowrap; }
td.r, th.r { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.total td { font-weight: 600; border-top: 2px solid #cfd4da; }
table.wide { width: 100%; }
.good { color: var(--good); }
.bad { color: var(--bad); }
table.cm { font-size: 12px; }
table.cm th, table.cm td { border: 1px solid #fff; padding: 4px 5px; }
table.cm td { text-align: center; min-width: 36px; font-variant-numeric: tabular-nums; }
table.cm th.col { vertical-align: bottom; text-align: center; }
table.cm th.col span { writing-mode: vertical-rl; transform: rotate(180deg); white-space: nowrap; }
table.cm th.row { text-align: right; }
table.cm td.dark { color: #fff; }
table.cm .axis { color: var(--muted); font-weight: 400; }
.cluster { border-top: 1px solid var(--line); padding: 12px 0 6px; }
.cluster:first-of-type { border-top: 0; }
.cluster h3 { margin: 0 0 2px; }
.cluster .stats { font-size: 13px; color: var(--muted); margin: 0 0 8px; }
.gallery { display: flex; flex-wrap: wrap; gap: 10px 8px; margin: 6px 0 4px; }
figure { margin: 0; width: 96px; text-align: center; }
figure img, figure .missing { display: block; width: 64px; height: 64px; margin: 0 auto 3px; border-radius: 4px;
                              object-fit: contain; image-rendering: pixelated; background: #eef0f3; }
figure .missing { font-size: 10px; line-height: 64px; color: var(--muted);
                  background: repeating-linear-gradient(45deg, #eef0f3 0 6px, #e2e5e9 6px 12px); }
figcaption { font-size: 11px; line-height: 1.3; }
figcaption .id { color: var(--muted); display: block; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
figcaption .text { display: -webkit-box; -webkit-box-orient: vertical; -webkit-line-clamp: 2; overflow: hidden; }
figcaption .flag { color: var(--bad); }
footer { color: var(--muted); font-size: 12px; text-align: center; margin-top: 28px; }
@media print { body { background: #fff; } section { break-inside: avoid; border: 0; padding: 0; } }
)css";

/** Turns `quoted` spans of already escaped text into <code>, for command names in prose. */
QString withCode(const QString &escaped)
{
    const QStringList parts = escaped.split(QLatin1Char('`'));
    if (parts.size() < 3)
        return escaped;
    QString out;
    for (qsizetype i = 0; i < parts.size(); ++i) {
        const bool code = i % 2 == 1 && i + 1 < parts.size(); // an unpaired backtick stays text
        if (code)
            out += QStringLiteral("<code>") + parts[i] + QStringLiteral("</code>");
        else
            out += (i % 2 == 1 ? QStringLiteral("`") : QString()) + parts[i];
    }
    return out;
}

} // namespace

HtmlDocument::HtmlDocument(const QString &title) : m_title(title) {}

QString HtmlDocument::escape(const QString &text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case '&':
            out += QLatin1String("&amp;");
            break;
        case '<':
            out += QLatin1String("&lt;");
            break;
        case '>':
            out += QLatin1String("&gt;");
            break;
        case '"':
            out += QLatin1String("&quot;");
            break;
        case '\'':
            out += QLatin1String("&#39;");
            break;
        default:
            out += c;
        }
    }
    return out;
}

QString HtmlDocument::deltaCell(double change, bool higherIsBetter, bool asPoints)
{
    const double shown = asPoints ? 100.0 * change : change;
    const int decimals = asPoints ? 1 : 3;
    const QString unit = asPoints ? QStringLiteral(" pp") : QString();
    if (std::abs(shown) < 0.5 * std::pow(10.0, -decimals))
        return QStringLiteral("<span class=\"muted\">±0%1</span>").arg(unit);
    const QString text = (shown > 0 ? QStringLiteral("+") : QStringLiteral("−")) +
                         QString::number(std::abs(shown), 'f', decimals) + unit;
    const bool better = (change > 0) == higherIsBetter;
    return QStringLiteral("<span class=\"%1\">%2</span>")
        .arg(better ? QStringLiteral("good") : QStringLiteral("bad"), escape(text));
}

bool HtmlDocument::isRightAligned(qsizetype column) const
{
    return column < m_alignment.size() && m_alignment.at(column) == QLatin1Char('r');
}

void HtmlDocument::navigation(const std::vector<std::pair<QString, QString>> &anchorTitle)
{
    m_body += QStringLiteral("<nav>");
    for (const auto &[anchor, title] : anchorTitle)
        m_body += QStringLiteral("<a href=\"#%1\">%2</a>").arg(escape(anchor), escape(title));
    m_body += QStringLiteral("</nav>\n");
}

void HtmlDocument::beginSection(const QString &anchor)
{
    m_body += QStringLiteral("<section id=\"%1\">\n").arg(escape(anchor));
}

void HtmlDocument::endSection()
{
    m_body += QStringLiteral("</section>\n");
}

void HtmlDocument::heading(int level, const QString &text, const QString &anchor)
{
    const QString id = anchor.isEmpty() ? QString() : QStringLiteral(" id=\"%1\"").arg(escape(anchor));
    m_body += QStringLiteral("<h%1%2>%3</h%1>\n").arg(level).arg(id, escape(text));
}

void HtmlDocument::paragraph(const QString &text, const QString &cssClass)
{
    const QString cls =
        cssClass.isEmpty() ? QString() : QStringLiteral(" class=\"%1\"").arg(escape(cssClass));
    m_body += QStringLiteral("<p%1>%2</p>\n").arg(cls, withCode(escape(text)));
}

void HtmlDocument::appendHtml(const QString &html)
{
    m_body += html;
}

void HtmlDocument::summaryCards(const std::vector<std::pair<QString, QString>> &labelValue)
{
    m_body += QStringLiteral("<div class=\"cards\">");
    for (const auto &[label, value] : labelValue)
        m_body +=
            QStringLiteral("<div class=\"card\"><div class=\"v\">%1</div><div class=\"l\">%2</div></div>")
                .arg(escape(value), escape(label));
    m_body += QStringLiteral("</div>\n");
}

void HtmlDocument::beginTable(const QStringList &headers, const QString &alignment, const QString &cssClass)
{
    m_alignment = alignment;
    const QString cls =
        cssClass.isEmpty() ? QString() : QStringLiteral(" class=\"%1\"").arg(escape(cssClass));
    m_body += QStringLiteral("<div class=\"scroll\"><table%1><thead><tr>").arg(cls);
    for (qsizetype i = 0; i < headers.size(); ++i) {
        const bool right = isRightAligned(i);
        m_body += QStringLiteral("<th%1>%2</th>")
                      .arg(right ? QStringLiteral(" class=\"r\"") : QString(), escape(headers.at(i)));
    }
    m_body += QStringLiteral("</tr></thead><tbody>\n");
}

void HtmlDocument::tableRowHtml(const QStringList &cellsHtml, const QString &rowClass)
{
    m_body += rowClass.isEmpty() ? QStringLiteral("<tr>")
                                 : QStringLiteral("<tr class=\"%1\">").arg(escape(rowClass));
    for (qsizetype i = 0; i < cellsHtml.size(); ++i) {
        const bool right = isRightAligned(i);
        m_body += QStringLiteral("<td%1>%2</td>")
                      .arg(right ? QStringLiteral(" class=\"r\"") : QString(), cellsHtml.at(i));
    }
    m_body += QStringLiteral("</tr>\n");
}

void HtmlDocument::tableRow(const QStringList &cells, const QString &rowClass)
{
    QStringList escaped;
    for (const QString &cell : cells)
        escaped << escape(cell);
    tableRowHtml(escaped, rowClass);
}

void HtmlDocument::endTable()
{
    m_body += QStringLiteral("</tbody></table></div>\n");
    m_alignment.clear();
}

void HtmlDocument::gallery(const std::vector<HtmlThumbnail> &thumbnails)
{
    m_body += QStringLiteral("<div class=\"gallery\">");
    for (const HtmlThumbnail &t : thumbnails) {
        const QString tooltip = escape(t.title + QStringLiteral(": ") + t.caption);
        const QString image =
            t.dataUri.isEmpty()
                ? QStringLiteral("<div class=\"missing\">no image</div>")
                : QStringLiteral("<img src=\"%1\" alt=\"%2\">").arg(escape(t.dataUri), escape(t.title));
        m_body += QStringLiteral("<figure title=\"%1\">%2<figcaption><span class=\"id\">%3</span>"
                                 "<span class=\"text%4\">%5</span></figcaption></figure>")
                      .arg(tooltip, image, escape(t.title), t.flagged ? QStringLiteral(" flag") : QString(),
                           escape(t.caption));
    }
    m_body += QStringLiteral("</div>\n");
}

QString HtmlDocument::toHtml() const
{
    return QStringLiteral("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                          "<title>%1</title>\n<style>%2</style>\n</head>\n<body>\n<main>\n%3</main>\n"
                          "</body>\n</html>\n")
        .arg(escape(m_title), QString::fromLatin1(kStyleSheet), m_body);
}

} // namespace loupe
