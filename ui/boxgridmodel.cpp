#include "boxgridmodel.h"

#include "boxcolors.h"
#include "samplegridmodel.h"
#include "thumbnailcache.h"

#include <cmath>

namespace loupe {

namespace {

/** The issue badge goes on boxes at least this likely wrong, as on the image grid. */
constexpr double kBadgeScore = 0.5;

QRectF rectOf(const Box &box)
{
    return {box.x, box.y, box.width, box.height};
}

} // namespace

BoxGridModel::BoxGridModel(ThumbnailCache &crops, QObject *parent)
    : QAbstractListModel(parent), m_crops(crops)
{
    connect(&m_crops, &ThumbnailCache::thumbnailReady, this, &BoxGridModel::onCropReady);
}

void BoxGridModel::setBoxes(std::shared_ptr<const BoxGridData> boxes, QStringList classNames,
                            QStringList imagePaths)
{
    beginResetModel();
    m_boxes = std::move(boxes);
    m_classNames = std::move(classNames);
    m_imagePaths = std::move(imagePaths);
    m_crops.resetSources([boxes = m_boxes, paths = m_imagePaths](qint64 position) {
        const BoxVerdicts::Entry &e = boxes->verdicts.entries()[size_t(position)];
        const bool annotation = e.kind == BoxVerdicts::Kind::Annotation;
        const qint64 image =
            annotation ? boxes->set.annotations[e.index].image : boxes->set.detections[e.index].image;
        const Box &box =
            annotation ? boxes->set.annotations[e.index].box : boxes->set.detections[e.index].box;
        return ThumbnailSource{paths.value(image), rectOf(box), BoxColors::ofVerdict(e.verdict)};
    });
    rebuildRows();
    endResetModel();
}

void BoxGridModel::clear()
{
    beginResetModel();
    m_boxes.reset();
    m_crops.resetSources({});
    rebuildRows();
    endResetModel();
}

void BoxGridModel::setFilter(const Filter &filter)
{
    beginResetModel();
    m_filter = filter;
    rebuildRows();
    endResetModel();
}

void BoxGridModel::rebuildRows()
{
    m_rows.clear();
    m_rowOfEntry.clear();
    if (!m_boxes)
        return;
    const BoxGridData &boxes = *m_boxes;
    const Filter filter = m_filter;
    m_rows = boxes.verdicts.select(filter.order, [&boxes, &filter](const BoxVerdicts::Entry &e) {
        const bool annotation = e.kind == BoxVerdicts::Kind::Annotation;
        if ((filter.show == Show::Annotations && !annotation) ||
            (filter.show == Show::Predictions && annotation))
            return false;
        if (filter.errorsOnly && !isBoxError(e.verdict))
            return false;
        if (filter.verdict && e.verdict != *filter.verdict)
            return false;
        const int category =
            annotation ? boxes.set.annotations[e.index].category : boxes.set.detections[e.index].category;
        return filter.category < 0 || category == filter.category;
    });
    m_rowOfEntry.assign(boxes.verdicts.entries().size(), -1);
    for (size_t row = 0; row < m_rows.size(); ++row)
        m_rowOfEntry[m_rows[row]] = int32_t(row);
}

const BoxVerdicts::Entry &BoxGridModel::entry(int row) const
{
    return m_boxes->verdicts.entries()[m_rows[size_t(row)]];
}

const Annotation *BoxGridModel::annotationAt(int row) const
{
    if (row < 0 || size_t(row) >= m_rows.size() || entry(row).kind != BoxVerdicts::Kind::Annotation)
        return nullptr;
    return &m_boxes->set.annotations[entry(row).index];
}

const Detection *BoxGridModel::predictionAt(int row) const
{
    if (row < 0 || size_t(row) >= m_rows.size() || entry(row).kind != BoxVerdicts::Kind::Prediction)
        return nullptr;
    return &m_boxes->set.detections[entry(row).index];
}

int BoxGridModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

QString BoxGridModel::classText(const BoxVerdicts::Entry &e) const
{
    if (e.kind == BoxVerdicts::Kind::Annotation)
        return m_classNames.value(m_boxes->set.annotations[e.index].category);
    const Detection &d = m_boxes->set.detections[e.index];
    return tr("%1 %2%").arg(m_classNames.value(d.category)).arg(std::lround(d.score * 100.0));
}

QString BoxGridModel::captionText(const BoxVerdicts::Entry &e) const
{
    const QString verdict = boxVerdictName(e.verdict);
    if (e.verdict == BoxVerdict::WrongClass)
        return tr("%1 → %2").arg(verdict,
                                 m_classNames.value(m_boxes->errors.annotations[e.index].suggestedClass));
    // The model's boxes are marked as such: the class line of a tile reads alike for both.
    if (e.kind == BoxVerdicts::Kind::Prediction)
        return tr("pred · %1").arg(verdict);
    return verdict;
}

QVariant BoxGridModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_rows.size())
        return {};
    const uint32_t position = m_rows[size_t(index.row())];
    const BoxVerdicts::Entry &e = m_boxes->verdicts.entries()[position];
    switch (role) {
    case Qt::DecorationRole:
        return m_crops.thumbnail(position);
    case Qt::DisplayRole:
    case Qt::ToolTipRole:
        return tr("%1 — %2").arg(classText(e), captionText(e));
    case SampleGridModel::SampleRole:
        return e.kind == BoxVerdicts::Kind::Annotation ? m_boxes->set.annotations[e.index].image
                                                       : m_boxes->set.detections[e.index].image;
    case SampleGridModel::LabelRole:
        return classText(e);
    case SampleGridModel::CaptionRole:
        return captionText(e);
    case SampleGridModel::IsErrorRole:
        return isBoxError(e.verdict);
    case SampleGridModel::IsIssueRole:
        return double(e.errorScore) >= kBadgeScore;
    case SampleGridModel::IssueScoreRole:
        return double(e.errorScore);
    default:
        return {};
    }
}

void BoxGridModel::onCropReady(qint64 position)
{
    if (size_t(position) >= m_rowOfEntry.size() || m_rowOfEntry[size_t(position)] < 0)
        return;
    const QModelIndex changed = index(m_rowOfEntry[size_t(position)]);
    Q_EMIT dataChanged(changed, changed, {Qt::DecorationRole});
}

} // namespace loupe
