#pragma once

#include <QString>

namespace loupe {

/**
 * The colour scheme of the app. System keeps the platform's palette (a dark desktop
 * gives a dark Loupe); Light and Dark force one, for desktops whose theme Qt cannot read
 * (a bare X session, a remote display) and for dark-room image review.
 */
enum class Appearance { System, Light, Dark };

/** Applies appearance to the whole application; call after QApplication exists. */
void applyAppearance(Appearance appearance);
/** The appearance saved in QSettings (System when none). */
Appearance savedAppearance();
void saveAppearance(Appearance appearance);

} // namespace loupe
