#pragma once

#include <QString>

#include <vector>

namespace loupe {

class HtmlDocument;
class Progress;
class Project;
class ThumbnailEncoder;
struct GroupDelta;
struct HtmlThumbnail;
struct RunComparison;
struct SampleTable;

/**
 * The "did the retraining help?" part of the HTML report: one run against another
 * (RunComparison) on the same samples and current labels. Accuracy and macro F1 before and
 * after, the per-class F1 change, the counts of fixed and regressed samples with a few
 * thumbnails of each, label issues the new run no longer flags, and the failure clusters
 * and slices whose error rate moved most.
 */
class HtmlComparisonSection
{
public:
    /** examples: fixed and regressed thumbnails shown, each; groups: cluster and slice rows shown. */
    HtmlComparisonSection(Project &project, const ThumbnailEncoder &encoder, int examples, int groups);

    /** Appends the section comparing run `before` with run `after`; throws loupe::Error. */
    void write(HtmlDocument &doc, int before, int after, Progress &progress) const;

private:
    void writeHeadline(HtmlDocument &doc, const RunComparison &comparison) const;
    void writePerClass(HtmlDocument &doc, const RunComparison &comparison) const;
    void writeSamples(HtmlDocument &doc, const RunComparison &comparison, const SampleTable &before,
                      const SampleTable &after, Progress &progress) const;
    void writeGroups(HtmlDocument &doc, const QString &title, const std::vector<GroupDelta> &groups) const;
    std::vector<HtmlThumbnail> thumbnails(const std::vector<qint64> &samples, const SampleTable &before,
                                          const SampleTable &after, bool regressed, Progress &progress) const;

    Project &m_project;
    const ThumbnailEncoder &m_encoder;
    int m_examples;
    int m_groups;
};

} // namespace loupe
