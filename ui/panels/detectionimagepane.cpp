#include "detectionimagepane.h"

#include "boxcolors.h"
#include "classpickerdialog.h"
#include "detection/boxerrors.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QVBoxLayout>

#include <map>

namespace loupe {

namespace {

using BoxColors::kCrowd;
using BoxColors::kFound;
using BoxColors::kMissed;
using BoxColors::kNear;

QString errorText(BoxError error)
{
    switch (error) {
    case BoxError::None:
        return DetectionImagePane::tr("right");
    case BoxError::Classification:
        return DetectionImagePane::tr("wrong class");
    case BoxError::Localization:
        return DetectionImagePane::tr("badly placed");
    case BoxError::Both:
        return DetectionImagePane::tr("wrong class and badly placed");
    case BoxError::Duplicate:
        return DetectionImagePane::tr("duplicate");
    case BoxError::Background:
        return DetectionImagePane::tr("on nothing");
    case BoxError::Crowd:
        return DetectionImagePane::tr("in a crowd region");
    }
    return {};
}

/** The boxes of one image as a set of their own (image 0), for the per-image matching. */
DetectionSet imageSet(const std::vector<Annotation> &objects, const std::vector<Detection> &predicted,
                      int classes)
{
    DetectionSet set;
    set.images = 1;
    set.categories = classes;
    set.annotations = objects;
    set.detections = predicted;
    for (Annotation &a : set.annotations)
        a.image = 0;
    for (Detection &d : set.detections)
        d.image = 0;
    return set;
}

} // namespace

DetectionImagePane::DetectionImagePane(QWidget *parent)
    : QWidget(parent), m_showObjects(new QCheckBox(tr("&Objects"), this)),
      m_showPredictions(new QCheckBox(tr("&Predictions"), this)), m_minScore(new QDoubleSpinBox(this)),
      m_summary(new QLabel(this)), m_view(new BoxedImageView(this))
{
    m_showObjects->setChecked(true);
    m_showObjects->setToolTip(tr("The annotated boxes: green found, red missed, amber nearly found"));
    m_showPredictions->setChecked(true);
    m_showPredictions->setToolTip(tr("The model's boxes, dashed, colored by their error type"));
    m_minScore->setRange(0.0, 1.0);
    m_minScore->setSingleStep(0.05);
    m_minScore->setDecimals(2);
    m_minScore->setValue(0.5);
    m_minScore->setPrefix(tr("score ≥ "));
    m_minScore->setToolTip(tr("The model's boxes scoring less are hidden and not matched"));
    m_summary->setWordWrap(true);
    m_summary->setForegroundRole(QPalette::PlaceholderText);

    auto *controls = new QHBoxLayout;
    controls->setContentsMargins(0, 0, 0, 0);
    controls->addWidget(m_showObjects);
    controls->addWidget(m_showPredictions);
    controls->addStretch();
    controls->addWidget(m_minScore);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(m_view, 1);
    layout->addWidget(m_summary);

    connect(m_showObjects, &QCheckBox::toggled, this, &DetectionImagePane::rebuild);
    connect(m_showPredictions, &QCheckBox::toggled, this, &DetectionImagePane::rebuild);
    connect(m_minScore, &QDoubleSpinBox::valueChanged, this, &DetectionImagePane::rebuild);
    connect(m_view, &BoxedImageView::boxMoved, this, [this](int box, const Box &to) {
        if (box < 0 || size_t(box) >= m_sources.size() || m_sources[size_t(box)].predicted ||
            m_objectIds.size() != m_objects.size())
            return;
        const int object = m_sources[size_t(box)].index;
        const Annotation &a = m_objects[size_t(object)];
        Q_EMIT editRequested(
            {BoxChange::Action::Move, m_objectIds[size_t(object)], {a.image, a.category, to, 0.0, false}},
            tr("move a %1").arg(m_classNames.value(a.category)));
    });
}

void DetectionImagePane::showImage(const QImage &image, const QString &message,
                                   std::vector<Annotation> objects, std::vector<Detection> predicted,
                                   std::vector<qint64> objectIds)
{
    m_objects = std::move(objects);
    m_predicted = std::move(predicted);
    m_objectIds = std::move(objectIds);
    if (image.isNull())
        m_view->setMessage(message);
    else
        m_view->setImage(image);
    rebuild();
}

void DetectionImagePane::rebuild()
{
    std::vector<OverlayBox> boxes =
        overlay(m_objects, m_predicted, m_classNames, m_minScore->value(), m_showObjects->isChecked(),
                m_showPredictions->isChecked(), &m_sources);
    // Objects move and resize by dragging when they can be edited.
    for (size_t i = 0; i < boxes.size(); ++i)
        boxes[i].movable = !m_sources[i].predicted && m_objectIds.size() == m_objects.size();
    m_view->setBoxes(std::move(boxes));
    m_summary->setText(summary());
}

std::vector<OverlayBox> DetectionImagePane::overlay(const std::vector<Annotation> &objects,
                                                    const std::vector<Detection> &predicted,
                                                    const QStringList &classNames, double minScore,
                                                    bool showObjects, bool showPredictions,
                                                    std::vector<Source> *sources)
{
    if (sources)
        sources->clear();
    const DetectionSet set = imageSet(objects, predicted, int(classNames.size()));
    BoxErrorParams params;
    params.minScore = minScore;
    const BoxErrors errors = BoxErrors::classify(set, params);
    std::vector<OverlayBox> boxes;
    for (size_t g = 0; showObjects && g < objects.size(); ++g) {
        const Annotation &a = objects[g];
        const AnnotationOutcome &outcome = errors.annotations[g];
        OverlayBox box{a.box, classNames.value(a.category), kNear, false, {}};
        if (a.crowd) {
            box.color = kCrowd;
            box.toolTip = tr("Annotated crowd region: %1").arg(box.caption);
        } else if (outcome.detection >= 0) {
            box.color = kFound;
            box.toolTip = tr("Annotated: %1\nFound by a box scoring %2 (IoU %3)")
                              .arg(box.caption)
                              .arg(predicted[size_t(outcome.detection)].score, 0, 'f', 2)
                              .arg(errors.detections[size_t(outcome.detection)].iou, 0, 'f', 2);
        } else if (outcome.missed) {
            box.color = kMissed;
            box.toolTip = tr("Annotated: %1\nMissed: no box scoring %2 or more comes near it")
                              .arg(box.caption)
                              .arg(minScore, 0, 'f', 2);
        } else {
            box.toolTip =
                tr("Annotated: %1\nNot found: a box is on it with the wrong class or place").arg(box.caption);
        }
        boxes.push_back(box);
        if (sources)
            sources->push_back({false, int(g)});
    }
    for (size_t d = 0; showPredictions && d < predicted.size(); ++d) {
        const DetectionOutcome &outcome = errors.detections[d];
        if (!outcome.evaluated)
            continue;
        const Detection &p = predicted[d];
        const QString name = classNames.value(p.category);
        QString verdict = errorText(outcome.error);
        if (outcome.annotation >= 0 && outcome.error != BoxError::Background)
            verdict += tr(" (on the %1, IoU %2)")
                           .arg(classNames.value(objects[size_t(outcome.annotation)].category))
                           .arg(outcome.iou, 0, 'f', 2);
        boxes.push_back({p.box, QStringLiteral("%1 %2").arg(name).arg(p.score, 0, 'f', 2),
                         BoxColors::ofError(outcome.error), true,
                         tr("Predicted: %1, score %2\n%3").arg(name).arg(p.score, 0, 'f', 2).arg(verdict),
                         true});
        if (sources)
            sources->push_back({true, int(d)});
    }
    return boxes;
}

bool DetectionImagePane::event(QEvent *event)
{
    // L is the window's "Relabel As" for images; over a selected box it picks the box's class.
    if (event->type() == QEvent::ShortcutOverride) {
        const auto *key = static_cast<QKeyEvent *>(event);
        if (key->key() == Qt::Key_L && key->modifiers() == Qt::NoModifier && m_view->selectedBox() >= 0) {
            event->accept();
            return true;
        }
    }
    return QWidget::event(event);
}

void DetectionImagePane::pickClassForSelected()
{
    const int selected = m_view->selectedBox();
    if (selected < 0 || size_t(selected) >= m_sources.size())
        return;
    const Source source = m_sources[size_t(selected)];
    const int current = source.predicted ? m_predicted[size_t(source.index)].category
                                         : m_objects[size_t(source.index)].category;
    ClassPickerDialog picker(m_classNames, current, this);
    if (picker.exec() == QDialog::Accepted && picker.chosenClass() >= 0)
        requestEdit(picker.chosenClass(), false);
}

void DetectionImagePane::keyPressEvent(QKeyEvent *event)
{
    const int key = event->key();
    if (key == Qt::Key_L && event->modifiers() == Qt::NoModifier) {
        pickClassForSelected();
        return;
    }
    if (key >= Qt::Key_0 && key <= Qt::Key_9 && event->modifiers() == Qt::NoModifier)
        requestEdit(key == Qt::Key_0 ? 9 : key - Qt::Key_1, false);
    else if (key == Qt::Key_Delete || key == Qt::Key_Backspace)
        requestEdit(-1, true);
    else if (key == Qt::Key_Return || key == Qt::Key_Enter || key == Qt::Key_A)
        requestEdit(-1, false);
    else
        QWidget::keyPressEvent(event);
}

void DetectionImagePane::requestEdit(int classKey, bool remove)
{
    const int selected = m_view->selectedBox();
    if (selected < 0 || size_t(selected) >= m_sources.size() || m_objectIds.size() != m_objects.size())
        return;
    const Source source = m_sources[size_t(selected)];
    if (classKey >= int(m_classNames.size()))
        return;
    if (source.predicted) { // a prediction: becomes an object, of its class or the key's
        if (remove)
            return;
        const Detection &p = m_predicted[size_t(source.index)];
        const int category = classKey >= 0 ? classKey : p.category;
        Q_EMIT editRequested({BoxChange::Action::Add, -1, {p.image, category, p.box, 0.0, false}},
                             tr("add a %1").arg(m_classNames.value(category)));
        return;
    }
    const Annotation &a = m_objects[size_t(source.index)];
    const qint64 id = m_objectIds[size_t(source.index)];
    if (remove)
        Q_EMIT editRequested({BoxChange::Action::Delete, id, {}},
                             tr("delete a %1").arg(m_classNames.value(a.category)));
    else if (classKey >= 0 && classKey != a.category)
        Q_EMIT editRequested(
            {BoxChange::Action::Relabel, id, {a.image, classKey, a.box, 0.0, false}},
            tr("relabel a %1 as %2").arg(m_classNames.value(a.category), m_classNames.value(classKey)));
}

QString DetectionImagePane::summary() const
{
    const DetectionSet set = imageSet(m_objects, m_predicted, int(m_classNames.size()));
    BoxErrorParams params;
    params.minScore = m_minScore->value();
    const BoxErrors errors = BoxErrors::classify(set, params);
    qint64 found = 0, boxes = 0;
    for (const AnnotationOutcome &o : errors.annotations)
        found += o.detection >= 0;
    std::map<int, qint64> byError;
    for (const DetectionOutcome &o : errors.detections) {
        if (o.evaluated) {
            ++boxes;
            ++byError[int(o.error)];
        }
    }
    QStringList kinds;
    for (const auto &[error, count] : byError)
        kinds << QStringLiteral("%1 %2").arg(count).arg(errorText(BoxError(error)));
    return tr("%1 objects: %2 found, %3 missed · %4 boxes ≥ %5%6")
        .arg(m_objects.size())
        .arg(found)
        .arg(errors.missed)
        .arg(boxes)
        .arg(m_minScore->value(), 0, 'f', 2)
        .arg(kinds.isEmpty() ? QString() : QStringLiteral(": ") + kinds.join(QStringLiteral(", ")));
}

} // namespace loupe
