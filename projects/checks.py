"""System checks: every management command runs them before it starts (`runstudio`, `qcluster` on worker hosts),
so a host set up unlike the studio's others refuses to start instead of failing one request or task at a time;
`/healthz` runs the ones tagged `HOST_CHECKS_TAG` on web hosts."""

from django.core import checks

from studio.health import HOST_CHECKS_TAG


@checks.register(HOST_CHECKS_TAG)
def shares_the_studios_key_and_data(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from projects.services.hosts import host_problems

    return [checks.Error(problem, id="projects.E001") for problem in host_problems()]
