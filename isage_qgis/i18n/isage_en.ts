<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
  <context>
    <name>iSAGE</name>
    <message numerus="yes">
      <source>%n frame file(s) of this record not found: {frames}; click "Re-link frames…" in the iSAGE panel and choose the folder that holds them</source>
      <translation>
        <numerusform>%n frame file of this record not found: {frames}; click "Re-link frames…" in the iSAGE panel and choose the folder that holds them</numerusform>
        <numerusform>%n frame files of this record not found: {frames}; click "Re-link frames…" in the iSAGE panel and choose the folder that holds them</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frame(s) downloaded into the workspace: {names} ({megabytes} MB)</source>
      <translation>
        <numerusform>%n frame downloaded into the workspace: {names} ({megabytes} MB)</numerusform>
        <numerusform>%n frames downloaded into the workspace: {names} ({megabytes} MB)</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frame(s) not found</source>
      <translation>
        <numerusform>%n frame not found</numerusform>
        <numerusform>%n frames not found</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frame(s) re-linked</source>
      <translation>
        <numerusform>%n frame re-linked</numerusform>
        <numerusform>%n frames re-linked</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n frames, {megapixels} Mpx in all; about {low}–{high} MB to download</source>
      <translation>
        <numerusform>%n frame, {megapixels} Mpx in all; about {low}–{high} MB to download</numerusform>
        <numerusform>%n frames, {megapixels} Mpx in all; about {low}–{high} MB to download</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n points refused</source>
      <translation>
        <numerusform>%n point refused</numerusform>
        <numerusform>%n points refused</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n proposals ({reasons}), {seconds} s per megapixel</source>
      <translation>
        <numerusform>%n proposal ({reasons}), {seconds} s per megapixel</numerusform>
        <numerusform>%n proposals ({reasons}), {seconds} s per megapixel</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n steps</source>
      <translation>
        <numerusform>%n step</numerusform>
        <numerusform>%n steps</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Added %n clicks</source>
      <translation>
        <numerusform>Added %n click</numerusform>
        <numerusform>Added %n clicks</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Added {clicks} clicks, {retractions} retractions, {frames} frames; %n conflicts</source>
      <translation>
        <numerusform>Added {clicks} clicks, {retractions} retractions, {frames} frames; %n conflict</numerusform>
        <numerusform>Added {clicks} clicks, {retractions} retractions, {frames} frames; %n conflicts</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Live training of iteration {iteration} rests after {steps} steps, not every one of its %n click(s) fitting; a new click resumes it.</source>
      <translation>
        <numerusform>Live training of iteration {iteration} rests after {steps} steps, its %n click not fitting; a new click resumes it.</numerusform>
        <numerusform>Live training of iteration {iteration} rests after {steps} steps, not every one of its %n clicks fitting; a new click resumes it.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Live training of iteration {iteration} rests: its %n click(s) fit; a new click resumes it.</source>
      <translation>
        <numerusform>Live training of iteration {iteration} rests: its %n click fits; a new click resumes it.</numerusform>
        <numerusform>Live training of iteration {iteration} rests: its %n clicks fit; a new click resumes it.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Live training of iteration {iteration}: {steps} steps on %n click(s).</source>
      <translation>
        <numerusform>Live training of iteration {iteration}: {steps} steps on %n click.</numerusform>
        <numerusform>Live training of iteration {iteration}: {steps} steps on %n clicks.</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>iteration {iteration} trained on {clicks} clicks; %n of them still predicted wrong (listed in the iSAGE panel)</source>
      <translation>
        <numerusform>iteration {iteration} trained on {clicks} clicks; %n of them still predicted wrong (listed in the iSAGE panel)</numerusform>
        <numerusform>iteration {iteration} trained on {clicks} clicks; %n of them still predicted wrong (listed in the iSAGE panel)</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>iteration {iteration}: %n clicks</source>
      <translation>
        <numerusform>iteration {iteration}: %n click</numerusform>
        <numerusform>iteration {iteration}: %n clicks</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>{names} and %n more</source>
      <translation>
        <numerusform>{names} and %n more</numerusform>
        <numerusform>{names} and %n more</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>{remaining} of %n proposals left ({labelled} labelled, {skipped} skipped)</source>
      <translation>
        <numerusform>{remaining} of %n proposal left ({labelled} labelled, {skipped} skipped)</numerusform>
        <numerusform>{remaining} of %n proposals left ({labelled} labelled, {skipped} skipped)</numerusform>
      </translation>
    </message>
  </context>
</TS>
