"""Render device models to vendor configs with Jinja2: one environment, templates compiled once.

Templates hold no logic beyond loops and formatting; StrictUndefined turns any reference to a field
the model does not have into an error instead of an empty string in a router config.

Rendering 5 M lines is the bulk of a build, so the compiled templates are made cheaper to run
(`FastCodeGenerator`), with the same output and the same semantics: the pieces of one output line
are yielded as one joined string instead of one generator step each (a 7-piece line cost 7 generator
resumptions and 7 joins). Attribute lookups stay Jinja's own: a builtin `getattr` would be ~20%
faster again, but dict keys and `x.y is defined` would then behave differently from Jinja.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from types import TracebackType

import jinja2
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame

from generator.findings import Finding, InputError, Location
from generator.model import Device, allowas_in, bandwidth_communities
from generator.platforms import template_filters

# The templates ship inside the package (the top-level templates/ folder is generator/templates in
# the wheel); `--templates DIR` overrides them wherever rendering happens.
TEMPLATES = Path(str(resources.files("generator") / "templates"))


class FastCodeGenerator(CodeGenerator):
    """Jinja2's code generator with one output line per generator step (see the module doc)."""

    def visit_Output(self, node: nodes.Output, frame: Frame) -> None:  # noqa: N802 - Jinja2 visitor name
        if frame.buffer is not None or frame.require_output_check:
            super().visit_Output(node, frame)
            return
        finalize = self._make_finalize()
        body: list[list[str] | nodes.Expr] = []  # as in CodeGenerator.visit_Output: constants folded
        for child in node.nodes:
            try:
                if not (finalize.const or isinstance(child, nodes.TemplateData)):
                    raise nodes.Impossible()
                const = self._output_child_to_const(child, frame, finalize)
            except (nodes.Impossible, Exception):
                body.append(child)
                continue
            last = body[-1] if body else None
            if isinstance(last, list):
                last.append(const)
            else:
                body.append([const])
        if len(body) <= 1:
            super().visit_Output(node, frame)
            return
        self.writeline('yield "".join((')  # one generator step for the whole line
        for item in body:
            if isinstance(item, list):
                self.write(self._output_const_repr(item) + ", ")
            else:
                self.newline(item)  # inside the parentheses: keeps the template line of each expression
                self._output_child_pre(item, frame, finalize)
                self.visit(item, frame)
                self._output_child_post(item, frame, finalize)
                self.write(", ")
        self.write("))")


class _Environment(jinja2.Environment):
    code_generator_class = FastCodeGenerator


@cache
def environment(root: Path = TEMPLATES) -> jinja2.Environment:
    env = _Environment(
        loader=jinja2.FileSystemLoader(str(root)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
        cache_size=-1,
        auto_reload=False,
    )
    env.filters.update(template_filters(), allowas_in=allowas_in)
    env.globals.update(bandwidth_communities=bandwidth_communities)
    return env


def template_for(platform: str, root: Path = TEMPLATES) -> jinja2.Template:
    return environment(root).get_template(f"{platform}/device.j2")


def render_device(device: Device, root: Path = TEMPLATES) -> str:
    """The device's config; a template that fails at render time (an attribute the model does not
    have, a filter on the wrong type) is a located BAG081 naming the template line and the device."""
    try:
        return template_for(device.platform, root).render(d=device)
    except jinja2.TemplateError as exc:
        raise InputError([_template_finding(exc, device.name)]) from None
    except (TypeError, ValueError, AttributeError, KeyError, IndexError) as exc:
        if _template_frame(exc.__traceback__) is None:
            raise
        raise InputError([_template_finding(exc, device.name)]) from None


def _template_frame(tb: TracebackType | None) -> tuple[str, int] | None:
    """The innermost template line in a traceback (Jinja2 rewrites frames to template file and line)."""
    found = None
    while tb is not None:
        name = tb.tb_frame.f_code.co_filename
        if name.endswith(".j2"):
            found = (name, tb.tb_lineno)
        tb = tb.tb_next
    return found


def _template_finding(exc: Exception, device: str) -> Finding:
    frame = _template_frame(exc.__traceback__)
    where = Location(*frame, 1) if frame else None
    message = getattr(exc, "message", None) or str(exc)
    return Finding(
        "BAG081",
        f"template error while rendering {device}: {message}",
        location=where,
        device=device,
        hint="the template uses something the device model does not have; fix the template (--templates)",
    )
