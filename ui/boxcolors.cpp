#include "boxcolors.h"

namespace loupe::BoxColors {

QColor ofError(BoxError error)
{
    switch (error) {
    case BoxError::None:
        return kFound;
    case BoxError::Classification:
        return QColor(245, 124, 0);
    case BoxError::Localization:
        return QColor(240, 200, 20);
    case BoxError::Both:
        return QColor(156, 39, 176);
    case BoxError::Duplicate:
        return QColor(30, 136, 229);
    case BoxError::Background:
        return kMissed;
    case BoxError::Crowd:
        return kCrowd;
    }
    return kCrowd;
}

QColor ofVerdict(BoxVerdict verdict)
{
    switch (verdict) {
    case BoxVerdict::WrongClass:
        return QColor(236, 64, 122);
    case BoxVerdict::BadLocation:
        return QColor(216, 27, 196);
    case BoxVerdict::Spurious:
        return QColor(0, 150, 136);
    case BoxVerdict::Overlooked:
        return QColor(0, 188, 212);
    case BoxVerdict::Missed:
        return kMissed;
    case BoxVerdict::Classification:
        return ofError(BoxError::Classification);
    case BoxVerdict::Localization:
        return ofError(BoxError::Localization);
    case BoxVerdict::Both:
        return ofError(BoxError::Both);
    case BoxVerdict::Duplicate:
        return ofError(BoxError::Duplicate);
    case BoxVerdict::Background:
        return ofError(BoxError::Background);
    case BoxVerdict::Found:
    case BoxVerdict::TruePositive:
        return kFound;
    case BoxVerdict::Ignored:
        break;
    }
    return kCrowd;
}

} // namespace loupe::BoxColors
