#pragma once

#include "detection/annotationerrors.h"
#include "detection/boxverdicts.h"

#include <QAbstractListModel>
#include <QStringList>

#include <memory>
#include <optional>
#include <vector>

namespace loupe {

class ThumbnailCache;

/** Every box of a detection project's newest run, judged: what the box grid lists. */
struct BoxGridData
{
    DetectionSet set;
    AnnotationErrors errors;
    BoxVerdicts verdicts;
    std::vector<qint64> boxIds; ///< the box_id of each annotation, parallel to set.annotations
    double minScore = 0.0;      ///< predictions scored lower are not listed
};

/**
 * The boxes of the box grid: annotations and predictions, each a tile of its crop (outlined
 * in its verdict's color), its class and its verdict, the likeliest errors first. One row per
 * box that passes the filter; rows are positions into the data's BoxVerdicts, so a million
 * boxes cost four bytes each. Crops come from a ThumbnailCache (reset here), keyed by those
 * positions and decoded off the UI thread.
 *
 * Gives SampleGridModel's roles, so SampleGridDelegate paints the tiles: SampleRole is the
 * box's image, LabelRole its class (with its score for the model's boxes), CaptionRole its
 * verdict ("pred · " before a model's box's), IsErrorRole and the issue badge its error score.
 */
class BoxGridModel final : public QAbstractListModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(BoxGridModel)

public:
    enum class Show { All, Annotations, Predictions };

    struct Filter
    {
        Show show = Show::All;
        bool errorsOnly = true;
        std::optional<BoxVerdict> verdict; ///< only this verdict
        int category = -1;                 ///< only this class; -1 all
        BoxVerdicts::Order order = BoxVerdicts::Order::ErrorScore;
    };

    BoxGridModel(ThumbnailCache &crops, QObject *parent = nullptr);

    /** New boxes (after an edit, a new threshold, a project); imagePaths: absolute, by image. */
    void setBoxes(std::shared_ptr<const BoxGridData> boxes, QStringList classNames, QStringList imagePaths);
    void clear();
    void setFilter(const Filter &filter);
    const Filter &filter() const { return m_filter; }

    const BoxGridData *boxes() const { return m_boxes.get(); }
    /** The box listed in row. */
    const BoxVerdicts::Entry &entry(int row) const;
    const Annotation *annotationAt(int row) const;
    const Detection *predictionAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;

private:
    void onCropReady(qint64 position);
    void rebuildRows();
    QString classText(const BoxVerdicts::Entry &entry) const;
    QString captionText(const BoxVerdicts::Entry &entry) const;

    ThumbnailCache &m_crops;
    std::shared_ptr<const BoxGridData> m_boxes;
    QStringList m_classNames;
    QStringList m_imagePaths;
    Filter m_filter;
    std::vector<uint32_t> m_rows;      // positions into m_boxes->verdicts.entries()
    std::vector<int32_t> m_rowOfEntry; // position -> row, -1 when filtered out
};

} // namespace loupe
