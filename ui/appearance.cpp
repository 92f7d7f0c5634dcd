#include "appearance.h"

#include <QApplication>
#include <QPalette>
#include <QSettings>
#include <QStyle>
#include <QStyleFactory>

namespace loupe {

namespace {

const QString kSettingsKey = QStringLiteral("appearance");

QPalette darkPalette()
{
    // Neutral greys rather than pure black: thumbnails and the map keep their contrast,
    // and the highlight stays the blue the light scheme uses.
    QPalette palette;
    const QColor window(45, 47, 50);
    const QColor base(32, 33, 36);
    const QColor text(232, 232, 232);
    const QColor disabled(128, 128, 128);
    palette.setColor(QPalette::Window, window);
    palette.setColor(QPalette::WindowText, text);
    palette.setColor(QPalette::Base, base);
    palette.setColor(QPalette::AlternateBase, QColor(40, 42, 45));
    palette.setColor(QPalette::ToolTipBase, QColor(55, 57, 60));
    palette.setColor(QPalette::ToolTipText, text);
    palette.setColor(QPalette::PlaceholderText, QColor(150, 150, 150));
    palette.setColor(QPalette::Text, text);
    palette.setColor(QPalette::Button, window);
    palette.setColor(QPalette::ButtonText, text);
    palette.setColor(QPalette::BrightText, QColor(255, 90, 90));
    palette.setColor(QPalette::Light, QColor(70, 72, 76));
    palette.setColor(QPalette::Midlight, QColor(60, 62, 66));
    palette.setColor(QPalette::Mid, QColor(80, 82, 86));
    palette.setColor(QPalette::Dark, QColor(25, 26, 28));
    palette.setColor(QPalette::Shadow, QColor(10, 10, 10));
    palette.setColor(QPalette::Highlight, QColor(42, 130, 218));
    palette.setColor(QPalette::HighlightedText, Qt::white);
    palette.setColor(QPalette::Link, QColor(90, 170, 255));
    for (const QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        palette.setColor(QPalette::Disabled, role, disabled);
    return palette;
}

} // namespace

void applyAppearance(Appearance appearance)
{
    // The platform's own style and palette, remembered before the first override.
    static const QString platformStyle = QApplication::style()->name();
    static const QPalette platformPalette = QApplication::palette();
    switch (appearance) {
    case Appearance::System:
        QApplication::setStyle(QStyleFactory::create(platformStyle));
        QApplication::setPalette(platformPalette);
        break;
    case Appearance::Light:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(QApplication::style()->standardPalette());
        break;
    case Appearance::Dark:
        QApplication::setStyle(QStyleFactory::create(QStringLiteral("Fusion")));
        QApplication::setPalette(darkPalette());
        break;
    }
}

Appearance savedAppearance()
{
    const int value = QSettings().value(kSettingsKey, int(Appearance::System)).toInt();
    return value == int(Appearance::Light) || value == int(Appearance::Dark) ? Appearance(value)
                                                                             : Appearance::System;
}

void saveAppearance(Appearance appearance)
{
    QSettings().setValue(kSettingsKey, int(appearance));
}

} // namespace loupe
