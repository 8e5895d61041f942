"""The game as a whole: one window, the shared state the screens need, and ``play()`` to start it.

``Game`` holds what outlives a screen: the language, the sound switch, the campaign's levels, the sandbox, the
stars won (kept in the per-user progress file, see ``userdata``), and which level is being played. Screens ask it
to move on (``show_levels``, ``start``, ``load_saved`` ...).
"""

from __future__ import annotations

from pathlib import Path

from factory_game.game import platform, userdata
from factory_game.level import LevelError
from factory_game.level.bundled import LEVELS_DIR as LEVELS
from factory_game.plugins import discover, prepare_level
from factory_game.plugins.levels import mod_levels
from factory_game.save import SaveError, load, read, save

SANDBOX = LEVELS / "sandbox.toml"


def campaign_levels() -> list[Path]:
    """The bundled campaign, in file-name order."""
    return sorted((LEVELS / "campaign").glob("*.toml"))


class Game:
    def __init__(self, window, levels: list[Path], i18n, sounds, seed: int | None = None,
                 sandbox: Path | None = None) -> None:
        self.window = window
        self._levels = levels
        self.sandbox = sandbox
        self.i18n = i18n
        self.sounds = sounds
        self.seed = seed
        self.ui_scale = userdata.read_settings().ui_scale  # the HUD's scale as last chosen; None: automatic
        progress = userdata.open_progress()
        self.stars: dict[str, int] = dict(progress.stars)
        self.progress_notice = progress if progress.damaged else None  # the title screen tells the player
        self.current: Path | None = None
        self._specs: dict[Path, object] = {}
        self._mod_names: dict[str, dict[str, str]] | None = None

    def load(self, path: Path):
        """The level's spec (validated with its mods), cached for menus."""
        if path not in self._specs:
            self._specs[path] = self.prepare(path).spec
        return self._specs[path]

    @staticmethod
    def prepare(path: Path):
        """A freshly prepared level (spec, rules, mod session) for one play: lenient, so a failing mod is switched
        off and shown as an alert instead of stopping the game."""
        return prepare_level(path, lenient=True)

    def mod_names(self) -> dict[str, dict[str, str]]:
        """Mod id -> its name by language, from the manifests (for briefings and alerts)."""
        if self._mod_names is None:
            self._mod_names = {info.id: dict(info.manifest.names) for info in discover() if info.manifest}
        return self._mod_names

    def mod_name(self, mod_id: str) -> str:
        return self.i18n.pick(self.mod_names().get(mod_id), mod_id)

    def levels(self) -> list[tuple[Path, object]]:
        return [(p, self.load(p)) for p in self._levels]

    def more_levels(self) -> list[tuple[Path, object]]:
        """The levels beside the campaign, always open: the bundled mod levels (`levels/mods/`), the real traces
        (`levels/real/`) and those the installed mods ship (`<mod>/levels/`). One that does not load (its mod
        missing, say) is left out rather than stopping the menu."""
        paths = [*sorted((LEVELS / "mods").glob("*.toml")), *sorted((LEVELS / "real").glob("*.toml")),
                 *(path for _name, path in mod_levels())]
        out = []
        for path in paths:
            try:
                out.append((path, self.load(path)))
            except LevelError:
                continue
        return out

    def beside_campaign(self, path: Path) -> bool:
        """Whether a level is listed on the level select's second page (neither the campaign nor the sandbox)."""
        return path not in self._levels and path != self.sandbox

    def unlocked(self, index: int) -> bool:
        """The first level is open; each next one opens when the one before has a star."""
        if index == 0:
            return True
        return self.stars.get(self.load(self._levels[index - 1]).id, 0) > 0

    def record(self, level_id: str, stars: int) -> None:
        """Keep the best stars won on a level, in memory and in the progress file."""
        best = max(stars, self.stars.get(level_id, 0))
        if self.stars.get(level_id) != best:
            self.stars[level_id] = best
            self.stars = dict(userdata.write_stars(self.stars).stars)  # with what another window won meanwhile

    def first_unfinished(self) -> Path | None:
        """The campaign level the title's main button opens: the first without a star (None: all won)."""
        return self.first_below(1)

    def first_below(self, stars: int) -> Path | None:
        """The first campaign level won with fewer than `stars` stars (None: none)."""
        return next((p for p in self._levels if self.stars.get(self.load(p).id, 0) < stars), None)

    def campaign_stars(self) -> tuple[int, int]:
        """Stars won over the campaign, and the most there are."""
        return sum(self.stars.get(self.load(p).id, 0) for p in self._levels), 3 * len(self._levels)

    # screens
    def show_title(self) -> None:
        from factory_game.game.menus import TitleView

        self.window.show_view(TitleView(self))

    def start_career(self):
        """The career (`game/career_mode.py`): the saved one's next morning, or a new one's first, on the play
        screen."""
        from factory_game.game.career_mode import CareerRun

        saved = userdata.read_career()
        run = CareerRun(self, saved) if saved else CareerRun.new(self, seed=1 if self.seed is None else self.seed)
        return run.next_day()

    def show_levels(self, more: bool = False) -> None:
        """The level select: the campaign and the sandbox, or (`more`) every other level that ships."""
        from factory_game.game.menus import LevelSelectView

        self.window.show_view(LevelSelectView(self, more))

    def show_briefing(self, path: Path) -> None:
        from factory_game.game.menus import BriefingView

        self.window.show_view(BriefingView(self, path))

    def start(self, path: Path, speed: int = 1):
        from factory_game.game.play import PlayView

        self.current = path
        view = PlayView(self, self.prepare(path), seed=self.seed, speed=speed)
        self.window.show_view(view)
        return view

    def watch(self, recording, speed: int = 4):
        """Watch a recorded run (`play --replay`, a `watch.Recording`): its commands at their times, a timeline to
        seek."""
        from factory_game.game.play import PlayView

        self.current = recording.level_path
        _prepared, cursor = recording.start()
        view = PlayView(self, cursor.world.spec, speed=speed, watching=cursor)
        self.window.show_view(view)
        return view

    def save_game(self, world):
        """Write ``world`` to the save slot; the SaveError to show the player, or None when it was saved."""
        try:
            save(world, userdata.save_slot())
        except SaveError as exc:
            return exc
        return None

    def has_save(self) -> bool:
        return userdata.save_slot().is_file()

    def load_saved(self):
        """Replay the save slot and carry on playing it; the SaveError to show the player (a corrupt save, one from
        a newer game, a changed level), or None once the game is back on screen."""
        from factory_game.game.play import LEDGER_WINDOW, PlayView

        failures = Relay()  # mods switched off during the replay wait for the view's alerts feed
        slot = userdata.save_slot()
        try:
            saved = read(slot)
            world = load(slot, lenient=True, on_mod_failure=failures, ledger_window=LEDGER_WINDOW)
        except SaveError as exc:
            return exc
        self.current = saved.level_path
        view = PlayView(self, world.spec, world=world, paused=True)  # the player looks before time runs again
        failures.connect(view.mod_failed)
        self.window.show_view(view)
        return None

    def next_level(self) -> None:
        """After a report: the next campaign level's briefing; after the last, with every level won, the title
        (it says the campaign is complete); else the level select."""
        if self.current in self._levels:
            index = self._levels.index(self.current) + 1
            if index < len(self._levels):
                self.show_briefing(self._levels[index])
                return
            if self.first_unfinished() is None:
                self.show_title()
                return
        self.show_levels()

    def set_ui_scale(self, scale: int | None) -> None:
        """The HUD's scale the player chose (U): used now and remembered for the next session."""
        self.ui_scale = scale
        userdata.write_settings(ui_scale=scale)

    def quit(self) -> None:
        remember_window(self.window)
        self.window.close()


class Relay:
    """A callback that holds its calls until it is connected to the real receiver, then passes them on."""

    def __init__(self) -> None:
        self._held: list = []
        self._to = None

    def __call__(self, item) -> None:
        if self._to is None:
            self._held.append(item)
        else:
            self._to(item)

    def connect(self, receiver) -> None:
        self._to = receiver
        for item in self._held:
            receiver(item)
        self._held.clear()


def make_game(levels: list[Path] | None = None, size=(1280, 720), lang: str | None = None, muted: bool = False,
              seed: int | None = None, headless: bool | None = None, visible: bool = True) -> Game:
    """Open the window (headless when there is no display) and the shared game state."""
    platform.setup(headless=headless)
    import arcade

    from factory_game.game.art import Sounds, font
    from factory_game.game.i18n import I18n

    window = arcade.get_window() if _has_window() else arcade.Window(
        size[0], size[1], "River Factory", resizable=True, visible=visible, center_window=True,
        antialiasing=False)  # pixel art has no edges to smooth; multisampling made every frame dearer (issue 18)
    window.set_minimum_size(640, 360)
    _window_keys(window)
    font()
    sandbox = SANDBOX if levels is None and SANDBOX.is_file() else None
    return Game(window, levels if levels is not None else campaign_levels(), I18n(lang), Sounds(muted), seed,
                sandbox)


def _window_keys(window) -> None:
    """Keys every screen shares, under the screens' own handlers (a screen's handler sees a key first): F11 puts
    the window in fullscreen and back. Registered once per window."""
    import arcade

    if getattr(window, "_river_keys", False):
        return
    window._river_keys = True

    def on_key_press(symbol: int, _modifiers: int) -> bool:
        if symbol == arcade.key.F11:
            window.set_fullscreen(not window.fullscreen)
            return True
        return False

    def on_close() -> bool:
        remember_window(window)
        return False  # the window then closes as usual

    window.push_handlers(on_key_press=on_key_press, on_close=on_close)


def remember_window(window) -> None:
    """Keep the window's size for the next session (`settings.json`); a fullscreen one is not a size chosen."""
    if not window.fullscreen:
        userdata.write_settings(window=tuple(window.get_size()))


def _has_window() -> bool:
    import arcade

    try:
        arcade.get_window()
    except RuntimeError:
        return False
    return True


DEFAULT_SIZE = (1280, 720)


def play(level_path: str | Path | None = None, lang: str | None = None, muted: bool = False,
         seed: int | None = None, ui_scale: int | None = None, size: tuple[int, int] | None = None,
         fullscreen: bool = False, replay=None) -> None:
    """Open the game: straight into a level's briefing when one is given, else the title screen; `replay` (the
    checked commands and the prepared level of `play LEVEL --replay FILE`) watches that run instead. The window
    opens centred at `size`, or fullscreen (F11 switches at any time)."""
    open_game(level_path, lang, muted, seed, ui_scale, size, fullscreen, replay)
    import arcade

    arcade.run()


def open_game(level_path: str | Path | None = None, lang: str | None = None, muted: bool = False,
              seed: int | None = None, ui_scale: int | None = None, size: tuple[int, int] | None = None,
              fullscreen: bool = False, replay=None, headless: bool | None = None) -> Game:
    """The window and its first screen, as `play` opens them: the size and the UI scale are the player's last
    ones (`userdata.Settings`) unless given."""
    size = size or userdata.read_settings().window or DEFAULT_SIZE
    game = make_game(size=size, lang=lang, muted=muted, seed=seed, headless=headless)  # first: it sets Arcade up
    if ui_scale is not None:  # `--ui-scale` overrides the remembered scale
        game.ui_scale = ui_scale
    if fullscreen:
        game.window.set_fullscreen(True)
    game.window.set_caption(game.i18n.t("app.title"))
    if replay is not None and level_path is not None:
        from factory_game.game.play import LEDGER_WINDOW
        from factory_game.game.watch import Recording

        commands, prepared = replay
        game.watch(Recording(Path(level_path), commands, seed, LEDGER_WINDOW, prepared))
    elif level_path is not None:
        game.show_briefing(Path(level_path))
    else:
        game.show_title()
    return game
