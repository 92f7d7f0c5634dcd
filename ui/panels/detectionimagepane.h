#pragma once

#include "boxedimageview.h"
#include "detection/detections.h"
#include "edits/boxeditrepository.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;

namespace loupe {

/**
 * One image of a detection project with its boxes: the annotated objects (solid: green when
 * a box found them, red when missed, amber when a box nearly did, grey for crowd regions)
 * and the model's boxes scoring at least the threshold (dashed, colored by TIDE's error
 * type: green right, orange wrong class, yellow badly placed, purple both, blue duplicate,
 * red on nothing; captioned when hovered, as boxes crowd). The threshold (0.5 at first) and the
 * two layers are controls above the image; changing the threshold matches the boxes again.
 * Hover a box for its class, score, IoU and verdict.
 */
class DetectionImagePane final : public QWidget
{
    Q_OBJECT

public:
    explicit DetectionImagePane(QWidget *parent = nullptr);

    void setClassNames(const QStringList &names) { m_classNames = names; }
    /**
     * The image (or the message when it cannot be shown) and its boxes; objectIds, the box_id of
     * each object, lets the keys edit them (empty: read-only).
     */
    void showImage(const QImage &image, const QString &message, std::vector<Annotation> objects,
                   std::vector<Detection> predicted, std::vector<qint64> objectIds = {});

    BoxedImageView *view() const { return m_view; }
    QDoubleSpinBox *minScoreBox() const { return m_minScore; }
    QCheckBox *objectsBox() const { return m_showObjects; }
    QCheckBox *predictionsBox() const { return m_showPredictions; }
    /** "3 objects: 2 found, 1 missed · 4 boxes ≥ 0.30: 2 right, 1 wrong class, 1 on nothing". */
    QString summary() const;

    /** Where each drawn box comes from: an object (its index) or a prediction (its index). */
    struct Source
    {
        bool predicted = false;
        int index = -1;
    };

    /**
     * The boxes to draw: what showImage() draws, for the given threshold and layers; sources,
     * when given, gets where each comes from.
     */
    static std::vector<OverlayBox> overlay(const std::vector<Annotation> &objects,
                                           const std::vector<Detection> &predicted,
                                           const QStringList &classNames, double minScore, bool showObjects,
                                           bool showPredictions, std::vector<Source> *sources = nullptr);

    /** L: the selected box as a class found by typing its name (ClassPickerDialog). */
    void pickClassForSelected();

Q_SIGNALS:
    /**
     * A key asked for an edit of the selected box: 1-9 and 0 give an object that class (or add a
     * prediction as an object of it), L does so with a class found by name, Delete removes an
     * object, Enter or A adds the selected prediction as an object of its class.
     */
    void editRequested(const loupe::BoxChange &change, const QString &what);

protected:
    bool event(QEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;

private:
    void rebuild();
    void requestEdit(int classKey, bool remove);

    QStringList m_classNames;
    std::vector<Annotation> m_objects;
    std::vector<Detection> m_predicted;
    std::vector<qint64> m_objectIds;
    std::vector<Source> m_sources; // of the boxes drawn
    QCheckBox *m_showObjects;
    QCheckBox *m_showPredictions;
    QDoubleSpinBox *m_minScore;
    QLabel *m_summary;
    BoxedImageView *m_view;
};

} // namespace loupe
