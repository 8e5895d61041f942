"""3D models: a new content type and the provider that makes them.

PolyForge is slow and scarce: eight contracted slots, jobs of about 40 minutes (lognormal, cv 0.5), one in
twenty-five fails, rented slots take ten minutes to arrive and are billed for at least two hours. A 3D model sells
for 15.00, so a level that offers them is about keeping eight expensive stations busy without a queue that
outlasts the customers' patience.
"""

from factory_game.api import HOUR, MINUTE, ContentSpec, Dist, ModelSpec, Provider, hookimpl

MESH = ContentSpec("mesh", 1500, {"en": "3D model", "zh-CN": "3D 模型"}, icon="icon.png")

MESH_GEN = ModelSpec(
    "mesh-gen", ("mesh",), slots=8, service=Dist.lognormal(40 * MINUTE, 0.5), failure_rate=0.04,
    slot_cost_cents=900, rent_price_cents=2000, lead_time_ms=10 * MINUTE, min_rental_ms=2 * HOUR, max_extra=4,
    names={"en": "MeshGen", "zh-CN": "网格生成"},
)

POLYFORGE = Provider("polyforge", {"en": "PolyForge", "zh-CN": "多边形工坊"}, (MESH_GEN,))


@hookimpl
def river_register_content(register):
    register(MESH)


@hookimpl
def river_register_providers(register):
    register(POLYFORGE)
