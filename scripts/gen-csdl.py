#!/usr/bin/env python3
"""Generates OData CSDL (V4 $metadata) documents for measuring `paylint catalog import`.

    scripts/gen-csdl.py graph-like --size-mb 30 > big.xml   # a Graph-like service of ~30 MB
    scripts/gen-csdl.py chain --depth 8000 > chain.xml      # one inheritance chain, 8,000 deep
    scripts/gen-csdl.py fan-out --derived 2000 --users 2000 > fan.xml
                                                            # a base with 2,000 derived types,
                                                            # used by 2,000 types' properties

`graph-like` writes namespaces that look like Microsoft Graph's: enums (flags too), complex
types with abstract bases and derived types, entity types deriving from an abstract root with a
key, structural properties of every kind (primitives, enums, complex, collections), navigation
properties (some containing their targets), entity sets and singletons, external annotations
(Core.Computed, Core.Description, Core.Permissions) and bound actions and functions. Each
namespace refers to types of the one before it. The output is deterministic and passes paylint's
compiler (no unresolved name, no duplicate).
"""

import argparse
import random
import sys

HEAD = """<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:Reference Uri="https://oasis-tcs.github.io/odata-vocabularies/vocabularies/Org.OData.Core.V1.xml">
    <edmx:Include Namespace="Org.OData.Core.V1" Alias="Core" />
  </edmx:Reference>
  <edmx:DataServices>
"""
TAIL = """  </edmx:DataServices>
</edmx:Edmx>
"""
SCHEMA = '    <Schema Namespace="{ns}" Alias="{alias}" xmlns="http://docs.oasis-open.org/odata/ns/edm">\n'
ENTITY = """      <EntityType Name="thing">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
"""
PRIMITIVES = [
    "Edm.String", "Edm.Boolean", "Edm.Int32", "Edm.Int64", "Edm.Double", "Edm.Decimal",
    "Edm.Guid", "Edm.Date", "Edm.DateTimeOffset", "Edm.TimeOfDay", "Edm.Duration", "Edm.Binary",
    "Edm.Byte", "Edm.Int16", "Edm.Stream", "Edm.GeographyPoint",
]


def graph_like(out, size_mb):
    rnd = random.Random(15)
    out.write(HEAD)
    budget = size_mb * 1024 * 1024
    written = len(HEAD)
    k = 0
    while written < budget:
        ns, alias = f"gen.service{k}", f"s{k}"
        prev = f"s{k - 1}" if k else None
        lines = [SCHEMA.format(ns=ns, alias=alias)]
        enums = []
        for e in range(8):
            members = [f"member{m}" for m in range(rnd.randint(3, 40))] + ["unknownFutureValue"]
            flags = e == 0
            name = f"state{e}"
            enums.append(f"{alias}.{name}")
            is_flags = ' IsFlags="true"' if flags else ""
            lines.append(f'      <EnumType Name="{name}"{is_flags}>\n')
            for i, m in enumerate(members):
                value = 1 << i if flags else i
                lines.append(f'        <Member Name="{m}" Value="{value if not flags or i < 30 else i}" />\n')
            lines.append("      </EnumType>\n")
        lines.append(f'      <TypeDefinition Name="percentage" UnderlyingType="Edm.Int32" />\n')
        # Complex types: an abstract base with derived types (one derived twice), and plain ones.
        complex_types = []
        lines.append('      <ComplexType Name="target" Abstract="true" />\n')
        for d in range(5):
            base = "target" if d < 4 else "target0"
            lines.append(f'      <ComplexType Name="target{d}" BaseType="{alias}.{base}">\n')
            lines.append(f'        <Property Name="groupId{d}" Type="Edm.Guid" Nullable="false" />\n')
            lines.append("      </ComplexType>\n")
        for c in range(20):
            name = f"detail{c}"
            complex_types.append(f"{alias}.{name}")
            open_type = ' OpenType="true"' if c == 0 else ""
            lines.append(f'      <ComplexType Name="{name}"{open_type}>\n')
            for p in range(rnd.randint(5, 15)):
                ty = rnd.choice(PRIMITIVES + enums)
                coll = rnd.random() < 0.2
                ty = f"Collection({ty})" if coll else ty
                lines.append(f'        <Property Name="field{p}" Type="{ty}" />\n')
            if c and rnd.random() < 0.5:
                lines.append(f'        <Property Name="nested" Type="{rnd.choice(complex_types[:-1])}" />\n')
            lines.append("      </ComplexType>\n")
        # Entity types under an abstract root with a key.
        lines.append('      <EntityType Name="entity" Abstract="true">\n')
        lines.append('        <Key><PropertyRef Name="id" /></Key>\n')
        lines.append('        <Property Name="id" Type="Edm.String" Nullable="false" />\n')
        lines.append("      </EntityType>\n")
        entities = []
        for t in range(40):
            name = f"item{t}"
            base = "entity" if t < 30 else f"item{t - 30}"
            entities.append(name)
            open_type = ' OpenType="true"' if t == 3 else ""
            lines.append(f'      <EntityType Name="{name}" BaseType="{alias}.{base}"{open_type}>\n')
            for p in range(rnd.randint(10, 30)):
                r = rnd.random()
                if r < 0.6:
                    ty = rnd.choice(PRIMITIVES)
                elif r < 0.75:
                    ty = rnd.choice(enums)
                elif r < 0.85:
                    ty = f"{alias}.target"
                elif r < 0.9:
                    ty = f"{alias}.percentage"
                else:
                    ty = rnd.choice(complex_types)
                if prev and rnd.random() < 0.05:
                    ty = f"{prev}.detail{rnd.randint(0, 19)}"
                coll = rnd.random() < 0.15
                ty = f"Collection({ty})" if coll else ty
                nullable = ' Nullable="false"' if rnd.random() < 0.2 else ""
                lines.append(f'        <Property Name="prop{t}_{p}" Type="{ty}"{nullable} />\n')
            for n in range(rnd.randint(1, 4)):
                target = f"item{rnd.randint(0, 39)}"
                coll = rnd.random() < 0.6
                ty = f"Collection({alias}.{target})" if coll else f"{alias}.{target}"
                contained = ' ContainsTarget="true"' if rnd.random() < 0.3 else ""
                lines.append(f'        <NavigationProperty Name="nav{t}_{n}" Type="{ty}"{contained} />\n')
            lines.append("      </EntityType>\n")
        for a in range(10):
            lines.append(f'      <Action Name="act{a}" IsBound="true">\n')
            lines.append(f'        <Parameter Name="bindingParameter" Type="{alias}.item{a}" />\n')
            lines.append(f'        <Parameter Name="value" Type="{rnd.choice(PRIMITIVES[:6])}" />\n')
            lines.append("      </Action>\n")
            lines.append(f'      <Function Name="fun{a}" IsBound="true">\n')
            lines.append(f'        <Parameter Name="bindingParameter" Type="Collection({alias}.item{a})" />\n')
            lines.append(f'        <ReturnType Type="Collection({alias}.item{a})" />\n')
            lines.append("      </Function>\n")
        lines.append(f'      <EntityContainer Name="container{k}">\n')
        for t in range(0, 40, 2):
            lines.append(f'        <EntitySet Name="set{k}_{t}" EntityType="{alias}.item{t}" />\n')
        lines.append(f'        <Singleton Name="me{k}" Type="{alias}.item1" />\n')
        lines.append("      </EntityContainer>\n")
        for t in range(0, 40, 3):
            lines.append(f'      <Annotations Target="{ns}.item{t}/prop{t}_0">\n')
            lines.append('        <Annotation Term="Org.OData.Core.V1.Computed" />\n')
            lines.append(f'        <Annotation Term="Core.Description" String="The first property of item{t}." />\n')
            lines.append("      </Annotations>\n")
            lines.append(f'      <Annotations Target="{alias}.item{t}/prop{t}_1">\n')
            lines.append('        <Annotation Term="Core.Permissions"><EnumMember>Core.Permission/Read</EnumMember></Annotation>\n')
            lines.append("      </Annotations>\n")
        lines.append("    </Schema>\n")
        text = "".join(lines)
        out.write(text)
        written += len(text)
        k += 1
    out.write(TAIL)


def chain(out, depth):
    out.write(HEAD + SCHEMA.format(ns="ns", alias="self") + ENTITY)
    out.write('      <ComplexType Name="t0"><Property Name="p0" Type="Edm.String"/></ComplexType>\n')
    for i in range(1, depth):
        out.write(
            f'      <ComplexType Name="t{i}" BaseType="self.t{i - 1}"><Property Name="p{i}" Type="Edm.String"/></ComplexType>\n'
        )
    out.write("    </Schema>\n" + TAIL)


def fan_out(out, derived, users):
    out.write(HEAD + SCHEMA.format(ns="ns", alias="self") + ENTITY)
    out.write('      <ComplexType Name="base"><Property Name="name" Type="Edm.String"/></ComplexType>\n')
    for i in range(derived):
        out.write(
            f'      <ComplexType Name="d{i}" BaseType="self.base"><Property Name="q{i}" Type="Edm.Int32"/></ComplexType>\n'
        )
    for i in range(users):
        out.write(
            f'      <EntityType Name="u{i}"><Key><PropertyRef Name="id"/></Key><Property Name="id" Type="Edm.String" Nullable="false"/><Property Name="p" Type="self.base"/></EntityType>\n'
        )
    out.write("    </Schema>\n" + TAIL)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="kind", required=True)
    g = sub.add_parser("graph-like")
    g.add_argument("--size-mb", type=int, default=30)
    c = sub.add_parser("chain")
    c.add_argument("--depth", type=int, default=8000)
    f = sub.add_parser("fan-out")
    f.add_argument("--derived", type=int, default=2000)
    f.add_argument("--users", type=int, default=2000)
    a = ap.parse_args()
    out = sys.stdout
    if a.kind == "graph-like":
        graph_like(out, a.size_mb)
    elif a.kind == "chain":
        chain(out, a.depth)
    else:
        fan_out(out, a.derived, a.users)


if __name__ == "__main__":
    main()
