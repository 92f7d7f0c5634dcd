#include "objectmappanel.h"

#include "boxcolors.h"
#include "colormaps.h"
#include "common/numberformat.h"
#include "common/progress.h"
#include "detection/boxerrors.h"
#include "detection/boxesbyimage.h"
#include "embeddingmapview.h"
#include "maplegend.h"
#include "projectsession.h"
#include "shippedboxes.h"
#include "storage/detectionstore.h"
#include "storage/project.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSignalBlocker>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <algorithm>
#include <numeric>
#include <tuple>

namespace loupe {

namespace {

enum ColorBy { Outcome, Class };

/** An image's outcome: 0 all right, 1 objects missed, 2 false boxes, 3 both. */
std::vector<int> imageOutcomes(const ShippedBoxes &shipped)
{
    std::vector<int> outcome(size_t(shipped.set.images), 0);
    for (size_t g = 0; g < shipped.set.annotations.size(); ++g) {
        if (shipped.errors.annotations[g].missed)
            outcome[size_t(shipped.set.annotations[g].image)] |= 1;
    }
    for (size_t d = 0; d < shipped.set.detections.size(); ++d) {
        const DetectionOutcome &o = shipped.errors.detections[d];
        if (o.evaluated && o.error != BoxError::None && o.error != BoxError::Crowd)
            outcome[size_t(shipped.set.detections[d].image)] |= 2;
    }
    return outcome;
}

} // namespace

ObjectMapPanel::ObjectMapPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_points(new QComboBox(this)), m_colorBy(new QComboBox(this)),
      m_summary(new QLabel(this)), m_view(new EmbeddingMapView(this)),
      m_query(
          this, [this](Computed &computed) { showMap(computed); },
          [this](const QString &message) { m_summary->setText(message); })
{
    m_points->addItem(tr("Annotated objects"), int(Points::Objects));
    m_points->addItem(tr("Predicted boxes"), int(Points::PredictedBoxes));
    m_points->addItem(tr("Images"), int(Points::Images));
    m_points->setToolTip(tr("Objects are placed by what their pixels show; predicted boxes and images "
                            "by the model's embeddings, when the run has them"));
    m_colorBy->addItem(tr("Outcome"), Outcome);
    m_colorBy->addItem(tr("Class"), Class);
    m_summary->setWordWrap(true);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Show"), this));
    controls->addWidget(m_points);
    controls->addSpacing(12);
    controls->addWidget(new QLabel(tr("Color by"), this));
    controls->addWidget(m_colorBy);
    controls->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    m_view->setToolTipProvider([this](qint64 point) {
        if (point < 0 || size_t(point) >= m_outcome.size())
            return QString();
        const QString image = m_session.table().ids.value(m_image[size_t(point)]);
        const int category = m_category[size_t(point)];
        const QString outcome = outcomeName(m_outcome[size_t(point)]);
        if (m_shown == Points::Images)
            return category < 0 ? tr("image %1 · %2").arg(image, outcome)
                                : tr("image %1 · %2 · mostly %3")
                                      .arg(image, outcome, m_session.table().classNames.value(category));
        return tr("%1 · %2 · image %3").arg(m_session.table().classNames.value(category), outcome, image);
    });
    connect(m_points, &QComboBox::currentIndexChanged, this, &ObjectMapPanel::refresh);
    connect(m_colorBy, &QComboBox::currentIndexChanged, this, &ObjectMapPanel::recolor);
    connect(m_view, &EmbeddingMapView::selectionChanged, this, &ObjectMapPanel::showImagesOf);
    connect(&session, &ProjectSession::opened, this, &ObjectMapPanel::refresh);
    connect(&session, &ProjectSession::closed, this, &ObjectMapPanel::refresh);
    connect(&session, &ProjectSession::boxesEdited, this, &ObjectMapPanel::refresh);
    refresh();
}

ObjectMapPanel::Points ObjectMapPanel::currentPoints() const
{
    return Points(m_points->currentData().toInt());
}

void ObjectMapPanel::refresh()
{
    m_query.invalidate();
    const bool detection = m_session.isOpen() && m_session.project()->task() == ProjectTask::Detection;
    if (!detection) {
        m_map = {};
        m_outcome.clear();
        m_view->setPoints({});
        m_summary->setText(tr("The map of objects is drawn for detection projects."));
        return;
    }
    const Points points = currentPoints();
    m_summary->setText(points == Points::Objects ? tr("Mapping the objects by what they look like…")
                                                 : tr("Mapping by the model's embeddings…"));
    const StringColumn images = m_session.table().images;
    m_query.request(m_session.project()->path(), [images, points](ProjectReader &reader) {
        Project &project = reader.project();
        const ShippedBoxes shipped = ShippedBoxes::load(project);
        const DetectionSet &set = shipped.set;
        const int run = project.latestRunId();
        const BoxEvidence evidence = DetectionStore(project.database()).boxEvidence(run);
        const ImageEmbeddings imageVectors = DetectionStore(project.database()).imageEmbeddings(run);
        Progress quiet;
        Computed computed;
        computed.hasBoxEmbeddings = evidence.hasEmbeddings(set.detections.size());
        computed.hasImageEmbeddings = imageVectors.fits(set.images);
        computed.points = points;
        if (points == Points::PredictedBoxes && computed.hasBoxEmbeddings) {
            std::vector<qint64> shown;
            for (size_t d = 0; d < set.detections.size(); ++d) {
                const DetectionOutcome &o = shipped.errors.detections[d];
                if (o.evaluated && o.error != BoxError::Crowd)
                    shown.push_back(qint64(d));
            }
            computed.map = ObjectMap::fromEmbeddings(evidence.embeddings, evidence.dimensions, shown, quiet);
            for (const qint64 d : computed.map.objects) {
                computed.outcome.push_back(int(shipped.errors.detections[size_t(d)].error));
                computed.category.push_back(set.detections[size_t(d)].category);
                computed.image.push_back(set.detections[size_t(d)].image);
            }
        } else if (points == Points::Images && computed.hasImageEmbeddings) {
            std::vector<qint64> all(size_t(set.images));
            std::iota(all.begin(), all.end(), 0);
            computed.map =
                ObjectMap::fromEmbeddings(imageVectors.rows, imageVectors.dimensions, std::move(all), quiet);
            const std::vector<int> outcome = imageOutcomes(shipped), classes = commonestClasses(set);
            for (const qint64 image : computed.map.objects) {
                computed.outcome.push_back(outcome[size_t(image)]);
                computed.category.push_back(classes[size_t(image)]);
                computed.image.push_back(image);
            }
        } else {
            computed.points = Points::Objects;
            computed.map = ObjectMap::compute(
                set, [&](qint64 image) { return project.absoluteImagePath(images.value(image)); }, quiet);
            for (const qint64 g : computed.map.objects) {
                const Annotation &a = set.annotations[size_t(g)];
                computed.outcome.push_back(shipped.errors.annotations[size_t(g)].detection >= 0 ? 0 : 1);
                computed.category.push_back(a.category);
                computed.image.push_back(a.image);
            }
        }
        return computed;
    });
}

void ObjectMapPanel::enablePoints(bool boxEmbeddings, bool imageEmbeddings)
{
    auto *model = qobject_cast<QStandardItemModel *>(m_points->model());
    const QString missing = tr("The run has no %1 embeddings");
    for (const auto &[points, available, what] :
         {std::tuple{Points::PredictedBoxes, boxEmbeddings, tr("box")},
          std::tuple{Points::Images, imageEmbeddings, tr("image")}}) {
        QStandardItem *item = model->item(m_points->findData(int(points)));
        item->setEnabled(available);
        item->setToolTip(available ? QString() : missing.arg(what));
    }
}

void ObjectMapPanel::showMap(Computed &computed)
{
    enablePoints(computed.hasBoxEmbeddings, computed.hasImageEmbeddings);
    if (computed.points != currentPoints()) {
        // What was asked for is not there (no embeddings): show the objects, and say so in the box.
        const QSignalBlocker block(m_points);
        m_points->setCurrentIndex(m_points->findData(int(computed.points)));
    }
    m_shown = computed.points;
    m_map = std::move(computed.map);
    m_outcome = std::move(computed.outcome);
    m_category = std::move(computed.category);
    m_image = std::move(computed.image);
    m_view->setPoints(m_map.xy);
    recolor();
    m_view->fitToContents();
    const auto right = std::count(m_outcome.begin(), m_outcome.end(), 0);
    const QString shown = format::count(qint64(m_map.objects.size())), total = format::count(m_map.total);
    const QString wrong = format::count(qint64(m_outcome.size()) - right);
    switch (m_shown) {
    case Points::Objects:
        m_summary->setText(tr("%1 of %2 objects, placed near those that look alike (appearance, brightness, "
                              "size, shape); %3 missed at score ≥ %4. Select some to show their images.")
                               .arg(shown, total, wrong)
                               .arg(kShippedScore));
        break;
    case Points::PredictedBoxes:
        m_summary->setText(tr("%1 of %2 predicted boxes scored ≥ %4, placed by the model's box embeddings; "
                              "%3 wrong. Select some to show their images.")
                               .arg(shown, total, wrong)
                               .arg(kShippedScore));
        break;
    case Points::Images:
        m_summary->setText(tr("%1 of %2 images, placed by the model's image embeddings; %3 with a missed "
                              "object or a false box at score ≥ %4. Select some to show them.")
                               .arg(shown, total, wrong)
                               .arg(kShippedScore));
        break;
    }
}

QString ObjectMapPanel::outcomeName(int outcome) const
{
    switch (m_shown) {
    case Points::Objects:
        return outcome == 0 ? tr("found") : tr("missed");
    case Points::PredictedBoxes:
        switch (BoxError(outcome)) {
        case BoxError::None:
            return tr("right");
        case BoxError::Classification:
            return tr("wrong class");
        case BoxError::Localization:
            return tr("badly placed");
        case BoxError::Both:
            return tr("wrong class, badly placed");
        case BoxError::Duplicate:
            return tr("duplicate");
        case BoxError::Background:
            return tr("on nothing");
        case BoxError::Crowd:
            return tr("crowd");
        }
        return {};
    case Points::Images: {
        const QStringList names = {tr("all right"), tr("objects missed"), tr("false boxes"),
                                   tr("missed and false")};
        return names.value(outcome);
    }
    }
    return {};
}

void ObjectMapPanel::recolor()
{
    if (m_outcome.empty())
        return;
    if (m_colorBy->currentData().toInt() == Outcome) {
        QList<QColor> palette;
        switch (m_shown) {
        case Points::Objects:
            palette = {BoxColors::kFound, BoxColors::kMissed};
            break;
        case Points::PredictedBoxes:
            for (int k = 0; k < kBoxErrorTypes; ++k)
                palette.append(BoxColors::ofError(BoxError(k)));
            break;
        case Points::Images:
            palette = {BoxColors::kFound, BoxColors::kMissed, BoxColors::kNear,
                       BoxColors::ofError(BoxError::Both)};
            break;
        }
        m_view->setCategoricalColors(m_outcome, palette);
        QList<MapLegendEntry> legend;
        for (int k = 0; k < palette.size(); ++k) {
            if (std::find(m_outcome.begin(), m_outcome.end(), k) != m_outcome.end())
                legend.append({outcomeName(k), palette[k]});
        }
        m_view->setLegend(legend, m_colorBy->currentText());
        return;
    }
    const QList<QColor> palette = colormaps::categorical();
    m_view->setCategoricalColors(m_category, palette);
    QList<MapLegendEntry> legend;
    const QStringList &classes = m_session.table().classNames;
    for (int c = 0; c < classes.size() && classes.size() <= 24; ++c)
        legend.append({classes[c], palette[c % palette.size()]});
    m_view->setLegend(legend, m_colorBy->currentText());
}

void ObjectMapPanel::showImagesOf(const std::vector<qint64> &points)
{
    if (points.empty()) {
        if (m_session.filter().kind == SampleFilter::Kind::Objects)
            m_session.clearFilter();
        return;
    }
    std::vector<qint64> images;
    for (const qint64 p : points)
        if (p >= 0 && size_t(p) < m_image.size())
            images.push_back(m_image[size_t(p)]);
    SampleFilter filter;
    filter.kind = SampleFilter::Kind::Objects;
    filter.description =
        m_shown == Points::Images
            ? tr("%n image(s) selected on the map", nullptr, int(points.size()))
            : tr("the images of %n box(es) selected on the map", nullptr, int(points.size()));
    m_session.setFilter(filter, std::move(images));
}

} // namespace loupe
