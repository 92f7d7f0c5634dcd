#pragma once

#include <QString>

namespace loupe {

class HtmlDocument;
struct HtmlThumbnail;

/** How much the HTML report shows; the defaults keep a 70k-sample project's report near 300 KB. */
struct HtmlReportOptions
{
    int thumbnailSize = 64;      // long side of the embedded thumbnails, in pixels
    int clusters = 8;            // failure clusters shown, most severe first
    int examplesPerCluster = 8;  // thumbnails per cluster: its worst errors first
    int slices = 10;             // metadata slices shown, best ranked first
    int labelIssueExamples = 24; // most suspicious labels shown
    int comparisonExamples = 8;  // fixed and regressed samples shown, each
    int comparisonGroups = 8;    // clusters whose error rate changed most
};

/** What a step's HTML section writes into: the page, the report's options and its thumbnails. */
class HtmlReportWriter
{
public:
    virtual ~HtmlReportWriter() = default;
    virtual HtmlDocument &document() = 0;
    virtual const HtmlReportOptions &options() const = 0;
    /** A sample's thumbnail (a placeholder when its image is missing), titled with its id. */
    virtual HtmlThumbnail thumbnail(qint64 sample, const QString &caption, bool flagged) const = 0;
};

} // namespace loupe
