<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
  <context>
    <name>iSAGE</name>
    <message numerus="yes">
      <source>%n frame file(s) of this record not found: {frames}; click "Re-link frames…" in the iSAGE panel and choose the folder that holds them</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>%n frame(s) not found</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>%n frame(s) re-linked</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>%n points refused</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>%n proposals ({reasons}), {seconds} s per megapixel</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>%n steps</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>Added %n clicks</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>Added {clicks} clicks, {retractions} retractions, {frames} frames; %n conflicts</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>iteration {iteration} trained on {clicks} clicks; %n of them still predicted wrong (listed in the iSAGE panel)</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>iteration {iteration}: %n clicks</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>{names} and %n more</source>
      <translation type="unfinished" />
    </message>
    <message numerus="yes">
      <source>{remaining} of %n proposals left ({labelled} labelled, {skipped} skipped)</source>
      <translation type="unfinished" />
    </message>
  </context>
</TS>
