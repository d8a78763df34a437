package io.cordwatch.roi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cordwatch.phantom.Phantom;
import io.cordwatch.phantom.PhantomWriter;
import io.cordwatch.phantom.StudyPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SuppliedBoxesTest {
  @TempDir Path tmp;

  private Path csv(String text) throws Exception {
    return Files.writeString(tmp.resolve("labels.csv"), text);
  }

  @Test
  void labelsCsvGivesTheBoxOfEachInstanceAndNothingForOthers() throws Exception {
    SuppliedBoxes boxes =
        SuppliedBoxes.load(
            csv(
                "study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1\n"
                    + "1.2,1.2.1,0,10,20,30,40\n"
                    + "\n"
                    + "1.2,1.2.2,1b,11,21,31,41\n"));
    assertEquals(Optional.of(new CanalBox(10, 20, 30, 40)), boxes.box("1.2.1", 1));
    assertEquals(Optional.of(new CanalBox(11, 21, 31, 41)), boxes.box("1.2.2", 1));
    assertEquals(Optional.empty(), boxes.box("1.2.3", 1));
    assertEquals(Optional.empty(), boxes.box("1.2.1", 2));
    assertEquals(2, boxes.size());
  }

  @Test
  void exactBoxesWinForTheLocalizerAndJitteredOnesForTheGrader() throws Exception {
    Path file =
        csv(
            "study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1,exact_x0,exact_y0,exact_x1,"
                + "exact_y1,boundary_distance\n"
                + "1.2,1.2.1,0,9,22,33,40,10,20,30,40,\n");
    assertEquals(
        Optional.of(new CanalBox(9, 22, 33, 40)), SuppliedBoxes.load(file).box("1.2.1", 1));
    assertEquals(
        Optional.of(new CanalBox(10, 20, 30, 40)), SuppliedBoxes.loadExact(file).box("1.2.1", 1));
    Path plain = csv("sop_instance_uid,grade,x0,y0,x1,y1\n1.2.1,0,9,22,33,40\n");
    assertEquals(
        Optional.of(new CanalBox(9, 22, 33, 40)), SuppliedBoxes.loadExact(plain).box("1.2.1", 1));
  }

  @Test
  void frameColumnKeysMultiFrameBoxes() throws Exception {
    SuppliedBoxes boxes =
        SuppliedBoxes.load(
            csv("sop_instance_uid,x0,y0,x1,y1,frame\n1.2.1,1,2,3,4,1\n1.2.1,5,6,7,8,2\n"));
    assertEquals(Optional.of(new CanalBox(5, 6, 7, 8)), boxes.box("1.2.1", 2));
  }

  @Test
  void badRowsAreRefusedNamingFileAndLine() throws Exception {
    String header = "study_instance_uid,sop_instance_uid,grade,x0,y0,x1,y1\n";
    String ok = "1.2,1.2.1,0,10,20,30,40\n";
    record Case(String body, int line, String says) {}
    for (Case c :
        new Case[] {
          new Case(ok + "1.2,1.2.2,0,10,twenty,30,40\n", 3, "y0 is not a whole number"),
          new Case(ok + ok + "1.2,1.2.2,0,1,2\n", 4, "5 fields, the header has 7"),
          new Case("1.2,1.2.2,0,30,20,10,40\n", 2, "x1"),
          new Case(ok + "1.2,1.2.1,0,11,20,30,40\n", 3, "a second, different box"),
          new Case("1.2,,0,1,2,3,4\n", 2, "sop_instance_uid is empty"),
        }) {
      Path file = csv(header + c.body());
      BoxFileException e = assertThrows(BoxFileException.class, () -> SuppliedBoxes.load(file));
      assertEquals(c.line(), e.line(), e.getMessage());
      assertTrue(e.getMessage().startsWith(file + ":" + c.line() + ": "), e.getMessage());
      assertTrue(e.getMessage().contains(c.says()), e.getMessage());
    }
  }

  @Test
  void headerWithoutABoxColumnIsRefusedOnLineOne() throws Exception {
    Path file = csv("sop_instance_uid,x0,y0,x1\n1.2,1,2,3\n");
    BoxFileException e = assertThrows(BoxFileException.class, () -> SuppliedBoxes.load(file));
    assertEquals(1, e.line());
    assertTrue(e.getMessage().contains("no 'y1' column"), e.getMessage());
  }

  @Test
  void phantomVocFolderAndLabelsCsvGiveTheSameBoxes() throws Exception {
    Phantom.Result r =
        Phantom.generate(
            new Phantom.Options(
                tmp.resolve("ph"), 1, 4, StudyPlan.Style.INTERNAL, 8, false, false));
    SuppliedBoxes csv = SuppliedBoxes.load(r.labels());
    SuppliedBoxes voc = SuppliedBoxes.load(tmp.resolve("ph/study-0001"));
    assertEquals(csv.size(), voc.size());
    assertTrue(csv.size() > 0);
    for (PhantomWriter.Written w : r.slices()) {
      assertEquals(csv.box(w.sopUid(), 1), voc.box(w.sopUid(), 1), w.file().toString());
      if (w.image().x0() >= 0) {
        assertEquals(
            Optional.of(
                new CanalBox(w.image().x0(), w.image().y0(), w.image().x1(), w.image().y1())),
            voc.box(w.sopUid(), 1));
      }
    }
  }

  @Test
  void vocWithoutItsDicomOrWithABadNumberIsRefusedNamingTheFile() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("voc"));
    Path xml =
        Files.writeString(
            dir.resolve("slice-7.xml"),
            "<annotation><filename>slice-7.dcm</filename><object><name>0</name><bndbox>"
                + "<xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax>"
                + "</bndbox></object></annotation>");
    BoxFileException e = assertThrows(BoxFileException.class, () -> SuppliedBoxes.load(dir));
    assertEquals(xml, e.file());
    assertTrue(e.getMessage().contains("no DICOM file beside it"), e.getMessage());

    Files.writeString(
        xml,
        "<annotation><sop_instance_uid>1.2.3</sop_instance_uid><object><bndbox>"
            + "<xmin>1</xmin><ymin>2</ymin><xmax>3.5</xmax><ymax>4</ymax>"
            + "</bndbox></object></annotation>");
    e = assertThrows(BoxFileException.class, () -> SuppliedBoxes.load(dir));
    assertTrue(e.getMessage().contains("<xmax> is not a whole number"), e.getMessage());

    Files.writeString(xml, "<annotation><object>\n<bndbox></annotation>");
    e = assertThrows(BoxFileException.class, () -> SuppliedBoxes.load(dir));
    assertEquals(2, e.line(), e.getMessage());

    Files.writeString(
        xml,
        "<annotation><sop_instance_uid>1.2.3</sop_instance_uid><object><bndbox>"
            + "<xmin>1</xmin><ymin>2</ymin><xmax>3</xmax><ymax>4</ymax>"
            + "</bndbox></object></annotation>");
    assertEquals(Optional.of(new CanalBox(1, 2, 3, 4)), SuppliedBoxes.load(dir).box("1.2.3", 1));
  }
}
