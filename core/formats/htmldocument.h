#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace loupe {

/** One thumbnail of a gallery: the image (a data URI; empty shows a placeholder) and its caption. */
struct HtmlThumbnail
{
    QString dataUri;
    QString title;        // first caption line, plain text (e.g. the sample id)
    QString caption;      // second caption line, plain text (e.g. "cat → dog")
    bool flagged = false; // caption drawn in the warning colour (a wrong prediction)
};

/**
 * Builds one self-contained HTML page: inline CSS, no scripts, no external resources.
 *
 * Text arguments are plain text and are escaped here; only the methods taking `html`
 * accept markup, which the caller must have built from escaped text (escape(), cell helpers).
 * That split is what keeps a class called `<script>` or a metadata value with quotes from
 * reaching the page as markup.
 */
class HtmlDocument
{
public:
    explicit HtmlDocument(const QString &title);

    /** Escapes &, <, >, " and ' for use in element content and double-quoted attributes. */
    static QString escape(const QString &text);
    /**
     * A signed change as markup, green when it went the good way: in percentage points
     * ("+1.2 pp", for rates in [0, 1]) or as a plain number ("+0.012", for F1 and loss).
     */
    static QString deltaCell(double change, bool higherIsBetter = true, bool asPoints = true);

    /** Links to sections: (anchor, title) pairs. */
    void navigation(const std::vector<std::pair<QString, QString>> &anchorTitle);
    /** A white card around one part of the report; anchor is its fragment id. */
    void beginSection(const QString &anchor);
    void endSection();
    void heading(int level, const QString &text, const QString &anchor = {});
    /** Plain text; `backticked` spans are set as code. */
    void paragraph(const QString &text, const QString &cssClass = {});
    void appendHtml(const QString &html);

    /** A row of label/value boxes for the headline figures. */
    void summaryCards(const std::vector<std::pair<QString, QString>> &labelValue);

    /** alignment has one character per column: 'l' text, 'r' a number (right-aligned, tabular). */
    void beginTable(const QStringList &headers, const QString &alignment, const QString &cssClass = {});
    /** Cells are markup (escape() text first); aligned as beginTable said. */
    void tableRowHtml(const QStringList &cellsHtml, const QString &rowClass = {});
    /** Cells are plain text. */
    void tableRow(const QStringList &cells, const QString &rowClass = {});
    void endTable();

    void gallery(const std::vector<HtmlThumbnail> &thumbnails);

    /** The whole page: doctype, head with the style sheet, the body built so far. */
    QString toHtml() const;

private:
    bool isRightAligned(qsizetype column) const;

    QString m_title;
    QString m_body;
    QString m_alignment; // of the open table
};

} // namespace loupe
