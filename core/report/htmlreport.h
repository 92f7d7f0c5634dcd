#pragma once

#include "analysis/pipeline/htmlreportwriter.h"
#include "formats/thumbnailencoder.h"

#include <QString>

#include <vector>

namespace loupe {

class HtmlDocument;
class Progress;
class Project;

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
    class Writer;  // what the steps' sections write into

    void writeHeader(HtmlDocument &doc, const Inputs &in) const;
    void writeMetricsPair(HtmlDocument &doc, const Inputs &in) const;
    void writeMetrics(HtmlDocument &doc, const Inputs &in) const;
    void writeConfusion(HtmlDocument &doc, const Inputs &in) const;
    void writeComparison(HtmlDocument &doc, const Inputs &in, Progress &progress) const;

    Project &m_project;
    HtmlReportOptions m_options;
    ThumbnailEncoder m_encoder;
};

} // namespace loupe
