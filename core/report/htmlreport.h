#pragma once

#include "formats/thumbnailencoder.h"

#include <QString>

#include <vector>

namespace loupe {

class HtmlDocument;
class Progress;
class Project;
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

/**
 * The shareable report of a project (`loupe-cli report --html`): one self-contained HTML
 * file a team can mail or attach to a ticket, with no scripts or external resources.
 *
 * It covers the latest run: the project summary, the per-class metrics, the confusion
 * matrix as a heatmap, the fit diagnosis, the most severe failure clusters with example
 * thumbnails, the top metadata slices and the label-issue summary with the most
 * suspicious samples; with two or more runs, the latest against the one before it
 * (RunComparison). Sections whose analysis step has not run say so instead.
 *
 * Every text from the project (ids, class names, run names, metadata values) is escaped.
 * Images that are missing or cannot be decoded show a placeholder.
 */
class HtmlReport
{
public:
    explicit HtmlReport(Project &project, HtmlReportOptions options = {});

    /** The whole page; throws loupe::Error when the project cannot be read, Cancelled when cancelled. */
    QString render(Progress &progress);

    /**
     * Renders and writes to path atomically (a temporary file renamed over it), so a
     * failed or cancelled report never leaves a half-written file; throws loupe::Error.
     */
    void write(const QString &path, Progress &progress);

private:
    struct Inputs; // the latest run's samples, analysis and metrics (htmlreport.cpp)

    void writeHeader(HtmlDocument &doc, const Inputs &in) const;
    void writeMetrics(HtmlDocument &doc, const Inputs &in) const;
    void writeConfusion(HtmlDocument &doc, const Inputs &in) const;
    void writeDiagnosis(HtmlDocument &doc, const Inputs &in) const;
    void writeClusters(HtmlDocument &doc, const Inputs &in, Progress &progress) const;
    void writeSlices(HtmlDocument &doc, const Inputs &in) const;
    void writeLabelIssues(HtmlDocument &doc, const Inputs &in, Progress &progress) const;
    void writeComparison(HtmlDocument &doc, const Inputs &in, Progress &progress) const;

    /** The thumbnail of one sample (an index into the table), titled with its id. */
    HtmlThumbnail thumbnail(const Inputs &in, qint64 sample, const QString &caption, bool flagged) const;

    Project &m_project;
    HtmlReportOptions m_options;
    ThumbnailEncoder m_encoder;
};

} // namespace loupe
