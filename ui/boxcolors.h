#pragma once

#include "detection/boxerrors.h"
#include "detection/boxverdicts.h"

#include <QColor>

namespace loupe {

/**
 * The colors of boxes wherever they are drawn, so a verdict reads the same in the image view
 * and the box grid: green right, red missed or on nothing, orange another class, yellow badly
 * placed, purple both, blue a duplicate, grey a crowd region; the annotation errors pink,
 * magenta and teal, overlooked objects cyan.
 */
namespace BoxColors {

const QColor kFound(46, 160, 67);
const QColor kMissed(218, 54, 51);
const QColor kNear(230, 150, 30);
const QColor kCrowd(150, 150, 150);

QColor ofError(BoxError error);
QColor ofVerdict(BoxVerdict verdict);

} // namespace BoxColors

} // namespace loupe
