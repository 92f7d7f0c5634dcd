#include "objectmappanel.h"

#include "colormaps.h"
#include "common/numberformat.h"
#include "common/progress.h"
#include "detection/boxerrors.h"
#include "embeddingmapview.h"
#include "maplegend.h"
#include "projectsession.h"
#include "shippedboxes.h"
#include "storage/project.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace loupe {

namespace {

const QColor kFoundColor(46, 160, 67);
const QColor kMissedColor(218, 54, 51);

enum ColorBy { Outcome, Class };

} // namespace

ObjectMapPanel::ObjectMapPanel(ProjectSession &session, QWidget *parent)
    : QWidget(parent), m_session(session), m_colorBy(new QComboBox(this)), m_summary(new QLabel(this)),
      m_view(new EmbeddingMapView(this)), m_query(
                                              this, [this](Computed &computed) { showMap(computed); },
                                              [this](const QString &message) { m_summary->setText(message); })
{
    m_colorBy->addItem(tr("Found or missed"), Outcome);
    m_colorBy->addItem(tr("Class"), Class);
    m_summary->setWordWrap(true);
    auto *controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Color by"), this));
    controls->addWidget(m_colorBy);
    controls->addStretch();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 4, 4);
    layout->addLayout(controls);
    layout->addWidget(m_summary);
    layout->addWidget(m_view, 1);
    m_view->setToolTipProvider([this](qint64 point) {
        if (point < 0 || size_t(point) >= m_found.size())
            return QString();
        return tr("%1 · %2 · image %3")
            .arg(m_session.table().classNames.value(m_category[size_t(point)]),
                 m_found[size_t(point)] ? tr("found") : tr("missed"),
                 m_session.table().ids.value(m_image[size_t(point)]));
    });
    connect(m_colorBy, &QComboBox::currentIndexChanged, this, &ObjectMapPanel::recolor);
    connect(m_view, &EmbeddingMapView::selectionChanged, this, &ObjectMapPanel::showImagesOf);
    connect(&session, &ProjectSession::opened, this, &ObjectMapPanel::refresh);
    connect(&session, &ProjectSession::closed, this, &ObjectMapPanel::refresh);
    connect(&session, &ProjectSession::boxesEdited, this, &ObjectMapPanel::refresh);
    refresh();
}

void ObjectMapPanel::refresh()
{
    m_query.invalidate();
    const bool detection = m_session.isOpen() && m_session.project()->task() == ProjectTask::Detection;
    if (!detection) {
        m_map = {};
        m_found.clear();
        m_view->setPoints({});
        m_summary->setText(tr("The map of objects is drawn for detection projects."));
        return;
    }
    m_summary->setText(tr("Mapping the objects by what they look like…"));
    const QStringList images = m_session.table().images;
    m_query.request(m_session.project()->path(), [images](ProjectReader &reader) {
        Project &project = reader.project();
        const ShippedBoxes shipped = ShippedBoxes::load(project);
        const DetectionSet &set = shipped.set;
        const BoxErrors &errors = shipped.errors;
        Progress quiet;
        Computed computed;
        computed.map = ObjectMap::compute(
            set, [&](qint64 image) { return project.absoluteImagePath(images.value(image)); }, quiet);
        for (const qint64 g : computed.map.objects) {
            const Annotation &a = set.annotations[size_t(g)];
            computed.found.push_back(errors.annotations[size_t(g)].detection >= 0);
            computed.category.push_back(a.category);
            computed.image.push_back(a.image);
        }
        return computed;
    });
}

void ObjectMapPanel::showMap(Computed &computed)
{
    m_map = std::move(computed.map);
    m_found = std::move(computed.found);
    m_category = std::move(computed.category);
    m_image = std::move(computed.image);
    m_view->setPoints(m_map.xy);
    recolor();
    m_view->fitToContents();
    const auto missed = std::count(m_found.begin(), m_found.end(), false);
    m_summary->setText(
        tr("%1 of %2 objects, placed near those that look alike (appearance, brightness, size, "
           "shape); %3 missed at score ≥ %4. Select some to show their images.")
            .arg(format::count(qint64(m_map.objects.size())), format::count(m_map.total),
                 format::count(missed))
            .arg(kShippedScore));
}

void ObjectMapPanel::recolor()
{
    if (m_found.empty())
        return;
    if (m_colorBy->currentData().toInt() == Outcome) {
        std::vector<int> outcome;
        for (const bool found : m_found)
            outcome.push_back(found ? 0 : 1);
        m_view->setCategoricalColors(outcome, {kFoundColor, kMissedColor});
        m_view->setLegend({{tr("found"), kFoundColor}, {tr("missed"), kMissedColor}},
                          m_colorBy->currentText());
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
    filter.description = tr("the images of %n object(s) selected on the map", nullptr, int(points.size()));
    m_session.setFilter(filter, std::move(images));
}

} // namespace loupe
